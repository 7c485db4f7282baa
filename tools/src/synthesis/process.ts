import { spawnSync } from 'node:child_process';
import { LOCKER_SETTINGS, scrubbedEnv } from '../toolchain/env';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program (uv, npm) with an argument array, never through a shell, and with a scrubbed
 * environment: a dependency uv builds to read its metadata never sees the caller's tokens.
 */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: scrubbedEnv(options.env, process.env, LOCKER_SETTINGS),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`cannot run ${command}: not found`);
    throw result.error;
  }
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}
