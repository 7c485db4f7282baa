import { LOCKER_SETTINGS, runProgramAsync, scrubbedEnv, type RunResult } from '../toolchain';

export type { RunResult } from '../toolchain';

/** Locking a large workspace against a registry can take minutes; a hung locker is still stopped. */
const LOCK_TIMEOUT_MS = 30 * 60_000;

/**
 * Runs uv or npm with the Forge's one runner (an argument array, never a shell), in a scrubbed
 * environment: a dependency uv builds to read its metadata never sees the caller's tokens
 * (it does see a proxy's credentials, which uv needs for the index).
 */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return runProgramAsync(command, args, {
    cwd: options.cwd,
    // uv and npm keep a proxy's credentials: they may need them to reach the index.
    env: scrubbedEnv(options.env, process.env, LOCKER_SETTINGS, { proxyCredentials: true }),
    timeoutMs: LOCK_TIMEOUT_MS,
  });
}
