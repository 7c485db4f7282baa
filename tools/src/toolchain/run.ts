import { spawnSync } from 'node:child_process';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * Runs a program with an argument array (never through a shell, so paths and
 * values cannot be reinterpreted). Failing to start at all is an exception;
 * a non-zero exit is a result for the caller to judge.
 */
export function runProgram(file: string, args: readonly string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(file, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) throw new Error(`cannot run ${file}: ${r.error.message}`);
  if (r.status === null) throw new Error(`${file} was killed by ${r.signal ?? 'a signal'}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Non-empty lines of a process stream. */
export function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
}
