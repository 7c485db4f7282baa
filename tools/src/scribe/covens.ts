import { ScribeError } from './errors';
import type { ContextSoulstone, ScribeContext } from './context';
import { byCodePoint } from '../shared/order';

/**
 * The Law of Exclusivity: two soulstones that both declare covens and share
 * none may never run together. A soulstone without covens conflicts with none.
 */
export function conflicts(a: ContextSoulstone, b: ContextSoulstone): boolean {
  if (a.unit === b.unit || a.groups.length === 0 || b.groups.length === 0) return false;
  return !a.groups.some((g) => b.groups.includes(g));
}

function find(ctx: ScribeContext, unit: string): ContextSoulstone {
  const me = ctx.soulstones.find((s) => s.unit === unit);
  if (!me) throw new ScribeError('LYCHD407', `${unit} is not in the scribe context; render it from a context made from the same Codex`);
  return me;
}

/** Unit names (sorted) a soulstone must stop when it starts. */
export function conflictsOf(ctx: ScribeContext, unit: string): string[] {
  const me = find(ctx, unit);
  return ctx.soulstones
    .filter((o) => conflicts(me, o))
    .map((o) => o.unit)
    .sort(byCodePoint);
}

/**
 * `After=` only on conflicting units whose names sort before this one: the
 * ordering is a total order, so three or more mutually conflicting units never
 * form a cycle, and a stop job still precedes the start job that caused it.
 */
export function orderedAfter(ctx: ScribeContext, unit: string): string[] {
  return conflictsOf(ctx, unit).filter((o) => byCodePoint(o, unit) < 0);
}

/**
 * Default-coven members and coven-less soulstones start with the pod and at boot; other covens on
 * demand. The pod starts a coven-less soulstone itself, the default coven through its target.
 */
export function startsWithPod(ctx: ScribeContext, unit: string): boolean {
  const me = find(ctx, unit);
  return me.groups.length === 0 || (ctx.defaultCoven !== null && me.groups.includes(ctx.defaultCoven));
}

/** A soulstone in no coven runs beside every coven: the pod starts it itself, no target does. */
export const startsOnItsOwn = (ctx: ScribeContext, unit: string): boolean => find(ctx, unit).groups.length === 0;

/** Every coven some soulstone belongs to, sorted: one `coven-<name>.target` each. */
export function covenNames(ctx: ScribeContext): string[] {
  return [...new Set(ctx.soulstones.flatMap((s) => s.groups))].sort(byCodePoint);
}

/**
 * What a coven's target starts (its members) and stops (every soulstone with a coven that is not
 * this one). Coven-less soulstones are in neither list: they run beside every coven.
 */
export function covenMembers(ctx: ScribeContext, coven: string): { members: string[]; outsiders: string[] } {
  const withCovens = ctx.soulstones.filter((s) => s.groups.length > 0);
  return {
    members: withCovens.filter((s) => s.groups.includes(coven)).map((s) => s.unit),
    outsiders: withCovens.filter((s) => !s.groups.includes(coven)).map((s) => s.unit),
  };
}

/**
 * The pod `Wants=` every unit that starts with it; if two of them conflict,
 * systemd silently drops one start job (docs/scribe.md, "Rules, and why"). Refuse such a set.
 */
export function checkStartSet(ctx: ScribeContext, starts: (unit: string) => boolean = (u) => startsWithPod(ctx, u)): void {
  const starting = ctx.soulstones.filter((s) => starts(s.unit));
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
