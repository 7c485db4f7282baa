import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WORKSPACE } from '../support/codex-fixture';
import type { CacheTokens } from '../../tools/src/remote-cache';

export interface CacheRequest {
  method: string;
  hash: string;
  status: number;
}

export interface RunningCache {
  url: string;
  /** The access log so far, as the script prints it. */
  requests(): CacheRequest[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `scripts/remote-cache.mjs` as a user would. It must be another process: the tests run nx
 * with spawnSync, which blocks this process, so a server living here could never answer nx.
 * Its output goes to a file rather than a pipe, which could fill up while this process is blocked.
 */
export async function launchCacheScript(opts: {
  storeDir: string;
  tokens: CacheTokens;
  logFile: string;
  maxUploadMb?: number;
}): Promise<RunningCache> {
  const log = fs.openSync(opts.logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      path.join(WORKSPACE, 'scripts', 'remote-cache.mjs'),
      '--store',
      opts.storeDir,
      '--port',
      '0',
      ...(opts.maxUploadMb ? ['--max-upload-mb', String(opts.maxUploadMb)] : []),
    ],
    {
      cwd: WORKSPACE,
      stdio: ['ignore', log, log],
      env: { ...process.env, LYCHD_CACHE_READ_WRITE_TOKEN: opts.tokens.readWrite, LYCHD_CACHE_READ_ONLY_TOKEN: opts.tokens.readOnly },
    },
  );
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const text = () => fs.readFileSync(opts.logFile, 'utf8');

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if ((await Promise.race([exited.then(() => 'exited'), sleep(15_000)])) !== 'exited') {
      child.kill('SIGKILL');
      await exited;
    }
  };

  let url: string | undefined;
  for (let waited = 0; !url && waited < 30_000; waited += 100) {
    if (child.exitCode !== null) break;
    url = /NX_SELF_HOSTED_REMOTE_CACHE_SERVER=(\S+)/.exec(text())?.[1];
    if (!url) await sleep(100);
  }
  if (!url) {
    await stop();
    throw new Error(`scripts/remote-cache.mjs did not start:\n${text()}`);
  }
  return {
    url,
    stop,
    requests: () =>
      text()
        .split('\n')
        .map((line) => /^([A-Z]+) (\S+) (\d{3})$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ method: m[1]!, hash: m[2]!, status: Number(m[3]) })),
  };
}
