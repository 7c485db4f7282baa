import { covenMap, covenMermaid, covenTable } from '../scribe/coven-map';
import { scribeContext } from '../scribe';
import type { CommonPaths } from './paths';
import { loadOrReport } from './render';

export type CovenFormat = 'table' | 'mermaid';

/** `lychd-forge covens`: which soulstones exclude which, as a table or a Mermaid picture. */
export function runCovens(paths: CommonPaths, format: CovenFormat, stdout = process.stdout): number {
  const codex = loadOrReport(paths);
  if (!codex) return 1;
  const rows = covenMap(scribeContext(codex));
  stdout.write(format === 'mermaid' ? covenMermaid(rows) : covenTable(rows));
  return 0;
}
