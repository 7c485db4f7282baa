import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { WORKSPACE } from './codex-fixture';

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `lychd-forge` command line, as a user would through npx. */
export function forge(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Ran {
  const r = spawnSync(process.execPath, [path.join(WORKSPACE, 'tools/bin/lychd-forge.js'), ...args], {
    cwd: opts.cwd ?? WORKSPACE,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
