import { ScribeError } from './errors';
import type { RosterSoulstone, SoulstoneRoster } from './roster';
import { byCodePoint } from '../shared/order';

/**
 * The Law of Exclusivity: two soulstones that both declare covens and share
 * none may never run together. A soulstone without covens conflicts with none.
 */
export function conflicts(a: RosterSoulstone, b: RosterSoulstone): boolean {
  if (a.unit === b.unit || a.groups.length === 0 || b.groups.length === 0) return false;
  return !a.groups.some((g) => b.groups.includes(g));
}

function find(roster: SoulstoneRoster, unit: string): RosterSoulstone {
  const me = roster.soulstones.find((s) => s.unit === unit);
  if (!me) throw new ScribeError('LYCHD407', `${unit} is not in the soulstone roster; render it from a roster made from the same Codex`);
  return me;
}

/** Unit names (sorted) a soulstone must stop when it starts. */
export function conflictsOf(roster: SoulstoneRoster, unit: string): string[] {
  const me = find(roster, unit);
  return roster.soulstones
    .filter((o) => conflicts(me, o))
    .map((o) => o.unit)
    .sort(byCodePoint);
}

/**
 * `After=` only on conflicting units whose names sort before this one: the
 * ordering is a total order, so three or more mutually conflicting units never
 * form a cycle, and a stop job still precedes the start job that caused it.
 */
export function orderedAfter(roster: SoulstoneRoster, unit: string): string[] {
  return conflictsOf(roster, unit).filter((o) => byCodePoint(o, unit) < 0);
}

/**
 * Default-coven members and coven-less soulstones start with the pod and at boot; other covens on
 * demand. The pod starts a coven-less soulstone itself, the default coven through its target.
 */
export function startsWithPod(roster: SoulstoneRoster, unit: string): boolean {
  const me = find(roster, unit);
  return me.groups.length === 0 || (roster.defaultCoven !== null && me.groups.includes(roster.defaultCoven));
}

/** A soulstone in no coven runs beside every coven: the pod starts it itself, no target does. */
export const startsOnItsOwn = (roster: SoulstoneRoster, unit: string): boolean => find(roster, unit).groups.length === 0;

/** Every coven some soulstone belongs to, sorted: one `coven-<name>.target` each. */
export function covenNames(roster: SoulstoneRoster): string[] {
  return [...new Set(roster.soulstones.flatMap((s) => s.groups))].sort(byCodePoint);
}

/**
 * What a coven's target starts (its members) and stops (every soulstone with a coven that is not
 * this one). Coven-less soulstones are in neither list: they run beside every coven.
 */
export function covenMembers(roster: SoulstoneRoster, coven: string): { members: string[]; outsiders: string[] } {
  const withCovens = roster.soulstones.filter((s) => s.groups.length > 0);
  return {
    members: withCovens.filter((s) => s.groups.includes(coven)).map((s) => s.unit),
    outsiders: withCovens.filter((s) => !s.groups.includes(coven)).map((s) => s.unit),
  };
}

/**
 * The pod `Wants=` every unit that starts with it; if two of them conflict,
 * systemd silently drops one start job (docs/scribe.md, "Rules, and why"). Refuse such a set.
 */
export function checkStartSet(roster: SoulstoneRoster, starts: (unit: string) => boolean = (u) => startsWithPod(roster, u)): void {
  const starting = roster.soulstones.filter((s) => starts(s.unit));
  for (const a of starting) {
    for (const b of starting) {
      if (byCodePoint(a.unit, b.unit) < 0 && conflicts(a, b)) {
        throw new ScribeError(
          'LYCHD407',
          `${a.unit} (covens ${a.groups.join(', ')}) and ${b.unit} (covens ${b.groups.join(', ')}) share no coven, ` +
            'so they conflict, yet both would start with the pod; put them in a common coven or change sepulcher.default_coven',
        );
      }
    }
  }
}
