import { describe, expect, it } from 'vitest';
import { soulstones } from '../../tools/src/codex';
import { renderGeneration, soulstoneUnit } from '../../tools/src/scribe';
import { verifyUnits } from '../../tools/src/toolchain';
import { skipWithout } from '../toolchain/tool-gate';
import { CASES, installed, loadCase, parseUnitText, values } from './helpers';

const noVerify = skipWithout('quadlet', 'systemd-analyze');

const split = (vs: string[]): string[] => vs.flatMap((v) => v.split(' '));

describe.each(CASES)('coven targets of case %s', (name) => {
  const codex = loadCase(name);
  const files = renderGeneration(codex);
  const stones = soulstones(codex).map((r) => ({
    service: `${soulstoneUnit(r.config.name)}.service`,
    groups: r.config.groups,
    unit: parseUnitText(files.get(`${soulstoneUnit(r.config.name)}.container`)!),
  }));
  const covens = [...new Set(stones.flatMap((s) => s.groups))].sort();

  it('has one coven-<name>.target per coven and nothing else but Quadlet and config files', () => {
    expect([...files.keys()].filter((f) => f.endsWith('.target'))).toEqual(covens.map((c) => `coven-${c}.target`));
  });

  it.each(covens.length ? covens : ['(none)'])('starting coven %s starts its members together and stops every other coven', (coven) => {
    if (coven === '(none)') return;
    const target = parseUnitText(files.get(`coven-${coven}.target`)!);
    const members = stones.filter((s) => s.groups.includes(coven)).map((s) => s.service);
    const outside = stones.filter((s) => s.groups.length > 0 && !s.groups.includes(coven)).map((s) => s.service);
    expect(split(values(target, 'Unit', 'Requires'))).toEqual(members);
    expect(split(values(target, 'Unit', 'After'))).toEqual(members);
    expect(split(values(target, 'Unit', 'Conflicts'))).toEqual(outside);
    expect(target.has('Install'), 'the pod wants the default target; no other is started at boot').toBe(false);
    // Members never conflict with each other, so systemd drops none of their start jobs.
    for (const m of stones.filter((s) => members.includes(s.service))) {
      for (const other of members) expect(split(values(m.unit, 'Unit', 'Conflicts')), m.service).not.toContain(other);
    }
    // Coven-less soulstones run beside every coven: no target stops them.
    for (const s of stones.filter((x) => x.groups.length === 0)) expect(outside).not.toContain(s.service);
  });
});

describe('the coven targets under systemd-analyze verify', () => {
  it.skipIf(noVerify)('are checked with the services: a target whose members conflict fails verify', () => {
    const files = renderGeneration(loadCase('covens'));
    expect(verifyUnits(installed(files)).ok).toBe(true);
    // gamma (coven y) conflicts with alpha (coven x only): one transaction cannot start both.
    const broken = new Map(files);
    broken.set(
      'coven-x.target',
      files
        .get('coven-x.target')!
        .replace(/^Requires=(.*)$/m, 'Requires=$1 soulstone-gamma.service')
        .replace(/^Conflicts=.*\n/m, ''),
    );
    const r = verifyUnits(installed(broken));
    expect(r.ok).toBe(false);
    expect(r.stderr.join('\n')).toMatch(/coven-x\.target/);
  });
});
