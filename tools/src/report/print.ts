import { escapeForTerminal, renderDiagnostic, reportFailure } from '../diagnostics';
import type { Drift, Outcome } from './outcome';

export interface Sink {
  write(text: string): unknown;
}

/** Where the printer writes, and the folder paths in diagnostics are shown relative to. */
export interface Streams {
  out: Sink;
  err: Sink;
  cwd: string;
}

export const stdio = (cwd = process.cwd()): Streams => ({ out: process.stdout, err: process.stderr, cwd });

/**
 * Every line the Forge prints may quote its input (a file name, a hook's registration, a diff of
 * a hand-edited file): each is escaped, so nothing printed can drive the terminal.
 */
const writeLine = (sink: Sink, text: string) => sink.write(`${escapeForTerminal(text, { multiline: true })}\n`);

/** A line a long command prints while it runs (a stage begins, a tool answers): on stdout. */
export const progressTo =
  (streams: Streams) =>
  (text: string): void => {
    writeLine(streams.out, text);
  };

/** Drifted files as text: each file with why, then its diff; a blank line between files. */
export function driftText(drift: readonly Drift[]): string {
  return drift.map((d) => `${d.file} ${d.reason}${d.diff ? `\n${d.diff}` : ''}`).join('\n\n');
}

/** Prints an outcome: diagnostics, lines, drift, then the summary; the exit status. */
export function printOutcome(outcome: Outcome, streams: Streams = stdio()): number {
  // renderDiagnostic escapes what it renders.
  for (const d of outcome.diagnostics ?? [])
    (d.severity === 'error' ? streams.err : streams.out).write(`${renderDiagnostic(d, streams.cwd)}\n`);
  for (const line of outcome.lines ?? []) writeLine(streams.out, line);
  if (outcome.drift?.length) writeLine(streams.err, driftText(outcome.drift));
  if (outcome.summary !== undefined) writeLine(outcome.ok ? streams.out : streams.err, outcome.summary);
  return outcome.ok ? 0 : 1;
}

/** Prints a command's failure (a thrown ForgeError, or what the Forge did not foresee) on stderr. */
export function printFailure(e: unknown, streams: Streams = stdio()): void {
  reportFailure(e, (text) => writeLine(streams.err, text), streams.cwd);
}
