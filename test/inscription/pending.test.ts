import { describe, expect, it } from 'vitest';
import { formatPending, pendingRestarts } from '../../tools/src/inscription/pending';

const gen = (files: Record<string, string>) => new Map(Object.entries(files).map(([f, t]) => [f, Buffer.from(t)]));

describe('after a bind: the running units whose definition changed, and how to restart them', () => {
  const before = gen({
    'vessel.container': 'Volume=./capabilities.json:/etc/lychd/capabilities.json:ro,Z\n',
    'capabilities.json': '{"runes":[]}\n',
    'soulstone-eye.container': 'Image=a\n',
    'soulstone-old.container': 'Image=o\n',
    'oculus.container': 'Image=p\n',
    'harvester.container': 'Image=h\n',
    'harvester/prometheus.yml': 'a\n',
  });
  const after = gen({
    'vessel.container': 'Volume=./capabilities.json:/etc/lychd/capabilities.json:ro,Z\n',
    'capabilities.json': '{"runes":[1]}\n',
    'soulstone-eye.container': 'Image=b\n',
    'oculus.container': 'Image=p\n',
    'harvester.container': 'Image=h\n',
    'harvester/prometheus.yml': 'b\n',
  });

  it('lists changed units that run (a changed file beside one counts), leaves the Vessel to the Gate and removed units to the reload', () => {
    const asked: string[][] = [];
    const p = pendingRestarts(before, after, (s) => {
      asked.push(s);
      return s.filter((x) => x !== 'harvester.service');
    });
    expect(asked).toEqual([['harvester.service', 'soulstone-eye.service', 'vessel.service']]);
    expect(p).toEqual({ restart: ['soulstone-eye.service'], vessel: true });
    expect(formatPending(p)).toEqual([
      'Running units whose definition changed keep the old one until they restart:',
      '  systemctl --user restart soulstone-eye.service',
      '  vessel.service: restart it through the Rebirth Gate (lychd-forge rebirth, then --confirm <id>)',
    ]);
  });

  it('says so when nothing that runs is outdated', () => {
    const p = pendingRestarts(before, after, () => []);
    expect(formatPending(p)).toEqual(['No running unit runs an outdated definition.']);
    expect(pendingRestarts(after, after, (s) => s)).toEqual({ restart: [], vessel: false });
  });
});
