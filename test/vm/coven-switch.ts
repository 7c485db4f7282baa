/**
 * Step 3c of the VM scenario (coven-switch.sh): covens as units. After step 3b a soulstone of the
 * default coven runs; the VM starts the target of another coven (one starts cost a minute or two
 * under TCG) and snapshots every soulstone and coven target before and after; the judge checks
 * both snapshots against the coven rule alone.
 */
import type { Stone } from './covens';

/** The coven to switch to: one that shares no soulstone with the default coven, else any other. */
export function covenToSwitchTo(stones: readonly Stone[], defaultCoven: string | undefined): string | undefined {
  const covens = [...new Set(stones.flatMap((s) => s.groups))].sort().filter((c) => c !== defaultCoven);
  const apart = (c: string) => !stones.some((s) => s.groups.includes(c) && defaultCoven !== undefined && s.groups.includes(defaultCoven));
  return covens.find(apart) ?? covens[0];
}

export interface Switch {
  coven: string;
  rc: number;
  seconds: number;
}

type States = Map<string, string>;

const parseStates = (text: string): States =>
  new Map(
    text
      .trim()
      .split(/\s+/)
      .filter((kv) => kv !== '')
      .map((kv) => kv.split('=') as [string, string]),
  );

/**
 * Reads `before:<unit>=<state> …` and `start <coven> rc=<n> seconds=<n>:<unit>=<state> …` and
 * reports every departure from the rule: something of another coven ran before (so a stop is
 * observed); the start succeeded; the coven's soulstones and its target are active; every
 * soulstone of another coven is stopped; coven-less soulstones that ran still run; no other
 * coven's target is active.
 */
export function judgeSwitch(stones: readonly Stone[], lines: readonly string[]): { switch?: Switch; problems: string[] } {
  const before = /^before:(.*)$/.exec(lines[0] ?? '');
  const after = /^start (\S+) rc=(\d+) seconds=(\d+):(.*)$/.exec(lines[1] ?? '');
  if (!before || !after) return { problems: [`unreadable lines: ${lines.join(' | ')}`] };
  const [, coven, rc, seconds, rest] = after as unknown as [string, string, string, string, string];
  const was = parseStates(before[1]!);
  const now = parseStates(rest);
  const problems: string[] = [];
  const outside = stones.filter((s) => s.groups.length > 0 && !s.groups.includes(coven));
  if (!outside.some((s) => was.get(`soulstone-${s.name}.service`) === 'active'))
    problems.push(`before the switch no soulstone outside ${coven} ran, so no stop could be observed`);
  if (rc !== '0') problems.push(`systemctl --user start coven-${coven}.target exited ${rc}`);
  const says = (unit: string, want: boolean) => {
    if ((now.get(unit) === 'active') !== want)
      problems.push(`after starting coven-${coven}.target, ${unit} is ${now.get(unit) ?? 'not reported'}`);
  };
  for (const s of stones) {
    const unit = `soulstone-${s.name}.service`;
    if (s.groups.length === 0) says(unit, was.get(unit) === 'active');
    else says(unit, s.groups.includes(coven));
  }
  for (const unit of now.keys()) if (unit.endsWith('.target')) says(unit, unit === `coven-${coven}.target`);
  return { switch: { coven, rc: Number(rc), seconds: Number(seconds) }, problems };
}
