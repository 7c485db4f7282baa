import { describe, expect, it } from 'vitest';
import { soulstones } from '../../tools/src/codex';
import { prometheusConfig } from '../../tools/src/scribe/observability';
import { loadCase } from './helpers';

describe('the Harvester scrapes each soulstone on its metrics port and path', () => {
  it('defaults to the soulstone port and /metrics; a rune may name another port and path', () => {
    const codex = structuredClone(loadCase('runtimes'));
    const plain = soulstones(codex).find((r) => r.config.name === 'plain')!;
    plain.config.metrics_port = 9113;
    plain.config.metrics_path = '/stats/prometheus';
    const kinetic = soulstones(codex).find((r) => r.config.name === 'kinetic')!;
    const text = prometheusConfig(codex);
    // One static_configs entry per soulstone; Prometheus reads __metrics_path__ as the path to scrape.
    expect(text).toContain(
      [
        '      - targets: ["localhost:9113"]',
        '        labels:',
        '          soulstone: "plain"',
        '          runtime: "generic"',
        '          __metrics_path__: "/stats/prometheus"',
        '      - targets:',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        `      - targets: ["localhost:${kinetic.config.port}"]`,
        '        labels:',
        '          soulstone: "kinetic"',
        '          runtime: "vllm"',
        '      - targets:',
      ].join('\n'),
    );
    expect(text.match(/__metrics_path__/g)).toHaveLength(1);
  });
});
