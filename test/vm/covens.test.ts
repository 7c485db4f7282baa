import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCodex, soulstones } from '../../tools/src/codex';
import { federationInput } from '../../tools/src/codex/registry';
import { judge, planStarts, together, type Stone } from './covens';

const ROOT = path.resolve(__dirname, '../..');

describe('the coven plan of the VM test', () => {
  const extensionsDir = path.join(ROOT, 'extensions');
  const stones: Stone[] = soulstones(
    loadCodex({ codexDir: path.join(ROOT, 'codex'), extensionsDir, federation: federationInput(ROOT, extensionsDir) }).codex!,
  ).map((s) => ({ name: s.config.name, groups: s.config.groups }));

  it('observes every pair of the example soulstones with one start each at most twice', () => {
    const initial = stones.filter((s) => s.groups.length === 0 || s.groups.includes('vision-ritual')).map((s) => s.name);
    const plan = planStarts(stones, initial);
    expect(plan.length).toBeLessThanOrEqual(2 * stones.length);
    // Replay the plan under the Law and feed it to the judge: every pair observed, no problem.
    let active = new Set(initial);
    const snap = () => stones.map((s) => `${s.name}=${active.has(s.name) ? 'active' : 'inactive'}`).join(' ');
    const lines = [`initial: ${snap()}`];
    for (const x of plan) {
      const sx = stones.find((s) => s.name === x)!;
      active = new Set(
        [...active]
          .filter((y) =>
            together(
              sx,
              stones.find((s) => s.name === y)!,
            ),
          )
          .concat(x),
      );
      lines.push(`start ${x}: ${snap()}`);
    }
    const { problems, observed } = judge(stones, lines);
    expect(problems).toEqual([]);
    expect(new Set(observed.map((o) => [o.started, o.other].sort().join(' '))).size).toBe((stones.length * (stones.length - 1)) / 2);
  });

  it('reports a soulstone that keeps running beside a rival', () => {
    const a = { name: 'a', groups: ['x'] };
    const b = { name: 'b', groups: ['y'] };
    expect(judge([a, b], ['initial: a=active b=inactive', 'start b: a=active b=active']).problems).toEqual([
      'starting b kept a, but they share no coven',
    ]);
  });
});
