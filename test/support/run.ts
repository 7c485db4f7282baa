import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { WORKSPACE } from './codex-fixture';
import { printOutcome, type Outcome } from '../../tools/src/report';

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

/**
 * The same, asynchronously: for a command that locks or builds (minutes under load), during which
 * the test worker must keep answering vitest.
 */
export function forgeAsync(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return runAsync(process.execPath, [path.join(WORKSPACE, 'tools/bin/lychd-forge.js'), ...args], {
    cwd: opts.cwd ?? WORKSPACE,
    env: { ...process.env, ...opts.env },
  });
}

/**
 * Runs a program to its end without blocking the test worker (a build or an install takes minutes,
 * and the worker must keep answering vitest), collecting its output.
 */
export function runAsync(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** What the one printer makes of an outcome: the exit status and each stream's text. */
export function printed(outcome: Outcome, cwd = process.cwd()): Ran {
  let stdout = '';
  let stderr = '';
  const status = printOutcome(outcome, { out: { write: (t: string) => (stdout += t) }, err: { write: (t: string) => (stderr += t) }, cwd });
  return { status, stdout, stderr };
}
