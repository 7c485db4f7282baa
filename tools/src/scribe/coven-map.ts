import type { SoulstoneRoster } from './roster';
import { conflicts, covenMembers, covenNames, startsWithPod } from './covens';
import { covenTarget } from './names';

/** One soulstone as `lychd-forge covens` shows it: its covens and the soulstones it stops. */
export interface CovenRow {
  unit: string;
  covens: string[];
  startsWithPod: boolean;
  excludes: string[];
}

/** Which soulstones exclude which, from the same rule that writes `Conflicts=`. */
export function covenMap(roster: SoulstoneRoster): CovenRow[] {
  return roster.soulstones.map((me) => ({
    unit: me.unit,
    covens: me.groups,
    startsWithPod: startsWithPod(roster, me.unit),
    excludes: roster.soulstones.filter((o) => conflicts(me, o)).map((o) => o.unit),
  }));
}

/** Columns padded, the last one not; names are validated unit names, safe for a terminal. */
function padded(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** A plain-text table, one row per soulstone. */
export function covenTable(rows: CovenRow[]): string {
  return padded([
    ['soulstone', 'covens', 'starts with pod', 'excludes (Conflicts=)'],
    ...rows.map((r) => [
      r.unit,
      r.covens.length > 0 ? r.covens.join(', ') : '(none)',
      r.startsWithPod ? 'yes' : 'no',
      r.excludes.length > 0 ? r.excludes.join(', ') : '-',
    ]),
  ]);
}

/** One coven target as `lychd-forge covens` shows it: what starting it starts and stops. */
export interface CovenTargetRow {
  target: string;
  wantedByPod: boolean;
  starts: string[];
  stops: string[];
}

/** The coven targets, from the same rule that writes them (coven-targets.ts). */
export function covenTargets(roster: SoulstoneRoster): CovenTargetRow[] {
  return covenNames(roster).map((coven) => {
    const { members, outsiders } = covenMembers(roster, coven);
    return { target: covenTarget(coven), wantedByPod: roster.defaultCoven === coven, starts: members, stops: outsiders };
  });
}

/** A plain-text table, one row per coven target. */
export function covenTargetTable(rows: CovenTargetRow[]): string {
  return padded([
    ['coven target', 'with the pod', 'starts (Requires=)', 'stops (Conflicts=)'],
    ...rows.map((r) => [r.target, r.wantedByPod ? 'yes' : 'no', r.starts.join(', '), r.stops.length > 0 ? r.stops.join(', ') : '-']),
  ]);
}

/**
 * A Mermaid flowchart: one node per soulstone (its covens under its name, the boot set drawn
 * thick) and one `x` edge per pair that excludes each other, each pair once.
 */
export function covenMermaid(rows: CovenRow[]): string {
  const id = new Map(rows.map((r, i) => [r.unit, `s${i}`]));
  const lines = ['flowchart LR'];
  for (const r of rows) {
    const label = `${r.unit}<br/>${r.covens.length > 0 ? `covens: ${r.covens.join(', ')}` : 'no coven'}`;
    lines.push(`  ${id.get(r.unit)}["${label}"]`);
  }
  for (const r of rows) {
    for (const o of r.excludes) if (r.unit < o) lines.push(`  ${id.get(r.unit)} x--x ${id.get(o)}`);
  }
  const boot = rows.filter((r) => r.startsWithPod).map((r) => id.get(r.unit));
  if (boot.length > 0) {
    lines.push('  classDef boot stroke-width:3px');
    lines.push(`  class ${boot.join(',')} boot`);
  }
  return `${lines.join('\n')}\n`;
}
