import type { Code } from './codes';
import type { Diagnostic } from './model';
import { renderDiagnostics } from './render';

/** A stage stopped: every problem it found, at once. Its message is their rendering. */
export class ForgeError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly heading?: string;

  /** `heading`, when given, is a first line before the problems (e.g. how many there are). */
  constructor(diagnostics: Diagnostic[], heading?: string) {
    const rendered = renderDiagnostics(diagnostics);
    super(heading ? `${heading}\n${rendered}` : rendered);
    this.name = 'ForgeError';
    this.diagnostics = diagnostics;
    this.heading = heading;
  }
}

/** A failure of one thing that is not a Codex value (a folder, a lock, a tool): what, why, how to fix. */
export function failure(code: Code, message: string, extra: Partial<Diagnostic> = {}): ForgeError {
  return new ForgeError([{ severity: 'error', code, message, ...extra }]);
}

/**
 * What an error says and what caused it (`new Error(m, { cause })`), outermost first, as the
 * lines of a `cause` chain: a ForgeError gives its problems' own messages and causes, not their rendering.
 */
export function causesOf(e: unknown): string[] {
  const chain: string[] = [];
  for (let c = e; c !== undefined && c !== null && chain.length < 10; c = c instanceof Error ? c.cause : undefined) {
    if (c instanceof ForgeError) chain.push(...c.diagnostics.flatMap((d) => [d.message, ...(d.cause ?? [])]));
    else chain.push(c instanceof Error ? c.message : String(c));
  }
  return chain;
}
