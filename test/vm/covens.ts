/**
 * The Law of Exclusivity as the VM checks it: two soulstones may run together exactly when they
 * share a coven or one of them has none. Starting each soulstone in turn costs minutes under
 * TCG, so the order of starts is planned to observe every pair with few starts; the check then
 * uses only what the VM reported.
 */
export interface Stone {
  name: string;
  groups: readonly string[];
}

export const together = (a: Stone, b: Stone): boolean =>
  a.groups.length === 0 || b.groups.length === 0 || a.groups.some((g) => b.groups.includes(g));

const pairKey = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

/**
 * Soulstones to start, in order, so that every pair is observed: a pair (X, Y) is observed when X
 * starts while Y runs. Greedy: start the stopped soulstone that observes the most unobserved
 * pairs; when none observes any, start a partner of an unobserved pair first.
 */
export function planStarts(stones: readonly Stone[], initiallyActive: readonly string[]): string[] {
  const byName = new Map(stones.map((s) => [s.name, s]));
  const open = new Set<string>();
  for (let i = 0; i < stones.length; i++) for (let j = i + 1; j < stones.length; j++) open.add(pairKey(stones[i]!.name, stones[j]!.name));
  let active = new Set(initiallyActive.filter((n) => byName.has(n)));
  const plan: string[] = [];
  const start = (x: string) => {
    for (const y of active) if (y !== x) open.delete(pairKey(x, y));
    active = new Set([...active].filter((y) => together(byName.get(x)!, byName.get(y)!)));
    active.add(x);
    plan.push(x);
  };
  while (open.size > 0) {
    const gain = (x: string) => [...active].filter((y) => y !== x && open.has(pairKey(x, y))).length;
    const candidates = stones.map((s) => s.name).filter((x) => !active.has(x));
    const best = candidates.sort((a, b) => gain(b) - gain(a) || (a < b ? -1 : 1))[0];
    if (best !== undefined && gain(best) > 0) {
      start(best);
      continue;
    }
    const [a, b] = [...open][0]!.split(' ') as [string, string];
    // No start observes an open pair yet: make one side of one run first.
    if (active.has(a) && active.has(b)) throw new Error(`cannot plan: ${a} and ${b} both run and no start separates them`);
    start(active.has(a) ? b : a);
  }
  return plan;
}

export interface Observation {
  started: string;
  other: string;
  shareCoven: boolean;
  kept: boolean;
}

/**
 * Reads the VM's snapshots (`initial:` then one `start <name>:` line per start, each listing
 * `name=state` for every soulstone) and returns every pair observed plus every violation.
 */
export function judge(stones: readonly Stone[], lines: readonly string[]): { observed: Observation[]; problems: string[] } {
  const byName = new Map(stones.map((s) => [s.name, s]));
  const parse = (l: string) =>
    new Map(
      l
        .split(':')[1]!
        .trim()
        .split(/\s+/)
        .map((kv) => kv.split('=') as [string, string]),
    );
  const observed: Observation[] = [];
  const problems: string[] = [];
  let prev = parse(lines[0] ?? 'initial:');
  for (const line of lines.slice(1)) {
    const x = /^start (\S+):/.exec(line)?.[1] as string;
    const cur = parse(line);
    if (cur.get(x) !== 'active') problems.push(`${x} did not start (${cur.get(x)})`);
    for (const s of stones) {
      if (s.name === x) continue;
      const share = together(byName.get(x)!, s);
      if (prev.get(s.name) === 'active') {
        const kept = cur.get(s.name) === 'active';
        observed.push({ started: x, other: s.name, shareCoven: share, kept });
        if (kept !== share)
          problems.push(`starting ${x} ${kept ? 'kept' : 'stopped'} ${s.name}, but they ${share ? 'share' : 'share no'} coven`);
      } else if (cur.get(s.name) === 'active') problems.push(`starting ${x} started ${s.name} too`);
    }
    prev = cur;
  }
  const seen = new Set(observed.map((o) => pairKey(o.started, o.other)));
  for (let i = 0; i < stones.length; i++)
    for (let j = i + 1; j < stones.length; j++)
      if (!seen.has(pairKey(stones[i]!.name, stones[j]!.name)))
        problems.push(`pair ${stones[i]!.name} ${stones[j]!.name} was never observed`);
  return { observed, problems };
}
