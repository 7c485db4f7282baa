import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A running turborepo-remote-cache server: the store behind the Nx adapter. */
export interface Backend {
  url: string;
  /** A token made for this run; only the adapter knows it, so clients cannot bypass the adapter's rules. */
  token: string;
  /** Settles with the reason when the server exits without being asked to stop. */
  died: Promise<string>;
  stop(): Promise<void>;
}

const READY = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;
const KEPT_LOG_LINES = 50;

function serverEntry(): string {
  const manifest = require.resolve('turborepo-remote-cache/package.json');
  const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin['turborepo-remote-cache'];
  if (!bin) throw new Error('remote cache: turborepo-remote-cache has no turborepo-remote-cache bin entry');
  return path.join(path.dirname(manifest), bin);
}

/**
 * Starts turborepo-remote-cache with local file storage on a free loopback port. Its configuration is
 * read from the environment, so the child gets a fresh one: nothing from ours (S3 keys, TURBO_TOKEN)
 * can change where artifacts go or who may write them.
 */
export async function startBackend(opts: { storeDir: string; bodyLimit: number; readyTimeoutMs?: number }): Promise<Backend> {
  fs.mkdirSync(opts.storeDir, { recursive: true });
  const token = randomBytes(24).toString('hex');
  const child = spawn(process.execPath, [serverEntry()], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      AUTH_MODE: 'static',
      TURBO_TOKEN: token,
      STORAGE_PROVIDER: 'local',
      STORAGE_PATH: path.resolve(opts.storeDir),
      STORAGE_PATH_USE_TMP_FOLDER: 'false',
      LOG_LEVEL: 'info',
      BODY_LIMIT: String(opts.bodyLimit),
    },
  });
  const log: string[] = [];
  const url = await waitForReady(child, log, opts.readyTimeoutMs ?? 30_000);
  let stopping = false;
  const died = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) resolve(`the store (turborepo-remote-cache) exited (code ${code}, signal ${signal})\n${log.join('\n')}`);
    }),
  );
  return {
    url,
    token,
    died,
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

/** Reads the server's log until it names its port; keeps reading afterwards so the pipe never fills. */
function waitForReady(child: ChildProcess, log: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let done = false;
    const fail = (why: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`remote cache: turborepo-remote-cache ${why}\n${log.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const onText = (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        if (log.length > KEPT_LOG_LINES) log.shift();
        const ready = READY.exec(line);
        if (ready?.[1] && !done) {
          done = true;
          clearTimeout(timer);
          resolve(ready[1]);
        }
      }
    };
    child.stdout?.on('data', onText);
    child.stderr?.on('data', onText);
    child.once('error', (err) => fail(`could not be started: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}

/** SIGTERM lets the server close its connections; SIGKILL after a bound so a test never hangs here. */
function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
