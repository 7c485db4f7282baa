import { covenMap, covenMermaid, covenTable, covenTargets, covenTargetTable, soulstoneRoster } from '../scribe';
import type { CommonPaths } from './paths';
import { loadForCommand } from './render';
import type { Outcome } from '../report';

export type CovenFormat = 'table' | 'mermaid';

/**
 * `lychd-forge covens`: which soulstones exclude which, as a table (followed by what each coven
 * target starts and stops) or a Mermaid picture.
 */
export function runCovens(paths: CommonPaths, format: CovenFormat): Outcome {
  const loaded = loadForCommand(paths);
  if (!loaded.codex) return loaded.refusal;
  const roster = soulstoneRoster(loaded.codex);
  const rows = covenMap(roster);
  const text = format === 'mermaid' ? covenMermaid(rows) : `${covenTable(rows)}\n${covenTargetTable(covenTargets(roster))}`;
  return { ok: true, diagnostics: loaded.warnings, lines: [text.replace(/\n$/, '')] };
}
