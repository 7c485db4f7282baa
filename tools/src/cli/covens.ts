import { covenMap, covenMermaid, covenTable, covenTargets, covenTargetTable } from '../scribe/coven-map';
import { scribeContext } from '../scribe';
import type { CommonPaths } from './paths';
import { loadOrReport } from './render';

export type CovenFormat = 'table' | 'mermaid';

/**
 * `lychd-forge covens`: which soulstones exclude which, as a table (followed by what each coven
 * target starts and stops) or a Mermaid picture.
 */
export function runCovens(paths: CommonPaths, format: CovenFormat, stdout = process.stdout): number {
  const codex = loadOrReport(paths);
  if (!codex) return 1;
  const ctx = scribeContext(codex);
  const rows = covenMap(ctx);
  stdout.write(format === 'mermaid' ? covenMermaid(rows) : `${covenTable(rows)}\n${covenTargetTable(covenTargets(ctx))}`);
  return 0;
}
