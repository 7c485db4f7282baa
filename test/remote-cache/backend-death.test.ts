import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { WORKSPACE } from '../support/codex-fixture';
import { tempDir } from '../support/temp';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('exits non-zero when its store dies, instead of answering 502 forever', async () => {
  const dir = tempDir('lychd-cache-death-');
  const logFile = path.join(dir, 'cache.log');
  const log = fs.openSync(logFile, 'w');
  const script = spawn(
    process.execPath,
    [path.join(WORKSPACE, 'scripts', 'remote-cache.mjs'), '--store', path.join(dir, 'store'), '--port', '0'],
    {
      cwd: WORKSPACE,
      stdio: ['ignore', log, log],
      env: { ...process.env, LYCHD_CACHE_READ_WRITE_TOKEN: 'w'.repeat(32), LYCHD_CACHE_READ_ONLY_TOKEN: 'r'.repeat(32) },
    },
  );
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => script.once('exit', (code) => resolve(code)));
  try {
    let url: string | undefined;
    for (let waited = 0; !url && waited < 30_000; waited += 100) {
      url = /NX_SELF_HOSTED_REMOTE_CACHE_SERVER=(\S+)/.exec(fs.readFileSync(logFile, 'utf8'))?.[1];
      if (!url) await sleep(100);
    }
    expect(url, fs.readFileSync(logFile, 'utf8')).toBeDefined();
    const store = spawnSync('pgrep', ['-P', String(script.pid)], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .filter(Boolean);
    expect(store).toHaveLength(1);
    process.kill(Number(store[0]), 'SIGKILL');
    const code = await Promise.race([exited, sleep(15_000).then(() => 'still running' as const)]);
    expect(code).toBe(1);
    expect(fs.readFileSync(logFile, 'utf8')).toMatch(
      /the store \(turborepo-remote-cache\) exited \(code null, signal SIGKILL\)[\s\S]*stopping, so the service manager can restart it/,
    );
  } finally {
    if (script.exitCode === null) script.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
