import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCodex } from '../../tools/src/codex';
import { renderGeneration } from '../../tools/src/scribe';
import { writeCodex } from '../../bench/codex';
import { PROMETHEUS_CONFIG, prometheusConfig } from '../../tools/src/scribe/observability';
import { REQUIRE_TOOLS } from '../toolchain/tool-gate';
import { CASES, loadCase, tempDir } from './helpers';

/** Prometheus's own checker (Debian's prometheus package, installed by scripts/setup-tools.sh). */
const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
if (!promtool && !REQUIRE_TOOLS) console.warn('[promtool tests] SKIPPING: promtool is not installed (apt-get install prometheus).');

function check(text: string): { status: number | null; output: string } {
  const file = join(tempDir(), 'prometheus.yml');
  writeFileSync(file, text);
  const r = spawnSync(promtool || 'promtool', ['check', 'config', file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!promtool && !REQUIRE_TOOLS)('the Harvester configuration as Prometheus reads it', () => {
  it('is a promtool that judges: a broken configuration is refused', () => {
    expect(execFileSync(promtool, ['--version'], { encoding: 'utf8' })).toMatch(/^promtool, version 2\./);
    const r = check('global:\n  scrape_interval: soon\nscrape_configs:\n  - job_name: "a"\n  - job_name: "a"\n');
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('FAILED');
  });

  it('checks what the Scribe writes: the example generation carries this configuration', () => {
    const codex = loadCase('example');
    expect(renderGeneration(codex).get(PROMETHEUS_CONFIG)).toBe(prometheusConfig(codex));
  });

  it("a Codex of 1,000 runes (the benchmarks' generator): promtool check config passes on its 980 soulstone targets", () => {
    const root = tempDir();
    mkdirSync(join(root, 'codex'));
    writeCodex(root, 1000);
    const loaded = loadCodex({ codexDir: join(root, 'codex'), extensionsDir: join(root, 'extensions') });
    expect(loaded.diagnostics).toEqual([]);
    const text = prometheusConfig(loaded.codex!);
    expect(text.match(/^ {10}soulstone: /gm)).toHaveLength(980);
    const r = check(text);
    expect(r.status, r.output).toBe(0);
  });

  // Every golden Codex, with its harvester on or not: the nasty one's names and the runtimes' many soulstones.
  it.each(CASES)('the %s Codex: promtool check config passes', (name) => {
    const r = check(prometheusConfig(loadCase(name)));
    expect(r.output).toContain('SUCCESS');
    expect(r.status, r.output).toBe(0);
  });
});
