import { renderDiagnostic } from './diagnostics';
import { loadCodex, type LoadOptions } from './load';
import type { Codex } from './model';

/**
 * Loads the Codex and writes every problem, one line each, with paths relative to `cwd`;
 * undefined when it is invalid. The command line and the Nx executors report the same way.
 */
export function loadAndReport(options: LoadOptions, write: (line: string) => void, cwd = process.cwd()): Codex | undefined {
  const result = loadCodex(options);
  for (const d of result.diagnostics) write(renderDiagnostic(d, cwd));
  if (!result.codex) write(`The Codex in ${options.codexDir} is invalid: fix the errors above; nothing was written.`);
  return result.codex;
}
