import { spawn, spawnSync } from 'node:child_process';
import { failure, ForgeError } from '../diagnostics';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Stdout (and, separately, stderr) beyond this many bytes stops the program; 64 MiB unless given. */
  maxOutputBytes?: number;
}

/** What runProgram throws when a program printed more than its limit (it was stopped). */
export class OutputLimitError extends ForgeError {
  constructor(
    readonly file: string,
    readonly limitBytes: number,
  ) {
    super([{ severity: 'error', code: 'LYCHD801', message: `${file} printed more than ${formatBytes(limitBytes)} and was stopped` }]);
  }
}

/** A byte count in words: "4 MiB", "512 KiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 120_000;

/** A program stopped at its time limit: it ran, so "cannot run" would mislead. */
const timedOut = (file: string, ms: number) =>
  failure('LYCHD801', `${file} did not finish within ${ms / 1000} s and was stopped`, { cause: [`${file} ETIMEDOUT`] });

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
    maxBuffer: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOBUFS') throw new OutputLimitError(file, opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  if (code === 'ETIMEDOUT') throw timedOut(file, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (r.error) throw failure('LYCHD801', `cannot run ${file}`, { cause: [r.error.message] });
  if (r.status === null) throw failure('LYCHD801', `${file} was killed by ${r.signal ?? 'a signal'}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * runProgram without blocking the caller's event loop while the program runs (a lock against a
 * registry takes minutes): the same limits, the same errors.
 */
export function runProgramAsync(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const limit = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    const bytes = { stdout: 0, stderr: 0 };
    let stopped: 'overflow' | 'timeout' | undefined;
    const stop = (why: typeof stopped) => {
      stopped ??= why;
      child.kill();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    for (const stream of ['stdout', 'stderr'] as const)
      child[stream].setEncoding('utf8').on('data', (d: string) => {
        out[stream] += d;
        bytes[stream] += Buffer.byteLength(d);
        if (bytes[stream] > limit) stop('overflow');
      });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(failure('LYCHD801', `cannot run ${file}`, { cause: [e.message] }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stopped === 'overflow') reject(new OutputLimitError(file, limit));
      else if (stopped === 'timeout') reject(timedOut(file, timeoutMs));
      else if (code === null) reject(failure('LYCHD801', `${file} was killed by ${signal ?? 'a signal'}`));
      else resolve({ status: code, ...out });
    });
  });
}

/** Non-empty lines of a process stream. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);
}

export interface StreamOptions extends Omit<RunOptions, 'timeoutMs'> {
  /** Called with every complete line of stdout and stderr, as it arrives. */
  onLine?: (line: string) => void;
}

/**
 * Like runProgram, for the long steps (mmdebstrap, buildah): asynchronous, so progress can be
 * shown while it runs; stdout and stderr are interleaved into one transcript.
 */
export function runProgramStreamed(
  file: string,
  args: readonly string[],
  opts: StreamOptions = {},
): Promise<RunResult & { output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    let pending = '';
    const take = (chunk: string) => {
      output += chunk;
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) opts.onLine?.(line);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), take(d)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => ((stderr += d), take(d)));
    child.on('error', (e) => reject(failure('LYCHD801', `cannot run ${file}`, { cause: [e.message] })));
    child.on('close', (code, signal) => {
      if (pending) opts.onLine?.(pending);
      if (code === null) reject(failure('LYCHD801', `${file} was killed by ${signal ?? 'a signal'}`));
      else resolve({ status: code, stdout, stderr, output });
    });
  });
}
