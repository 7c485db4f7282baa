import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { loadCodex, renderDiagnostic, soulstones, type LocatedDiagnostic } from '../../tools/src/codex';
import { federationInput } from '../../tools/src/codex/registry';
import { toml, vllmRune, writeTree, WORKSPACE } from '../support/codex-fixture';

const VLLM = 'runes/animator/soulstones/vllm';
const GENERIC = 'runes/animator/soulstones/generic';

const vllm = vllmRune;
const generic = (name: string, port: number, extra: string[] = []) =>
  toml([`name = "${name}"`, 'runtime = "tool"', 'image = "docker.io/library/nginx:1.27"', `port = ${port}`, ...extra]);

function load(files: Record<string, string>) {
  const codexDir = writeTree({ 'lychd.toml': '', ...files });
  return { codexDir, ...loadCodex({ codexDir }) };
}
const lines = (codexDir: string, diagnostics: LocatedDiagnostic[]) => diagnostics.map((d) => renderDiagnostic(d, codexDir));

describe("the daemon's sections of the Prime Scroll (seed 003)", () => {
  it('the example validates with them, and keeps every table the Forge does not read exactly as written', () => {
    const codexDir = path.join(WORKSPACE, 'codex');
    const extensionsDir = path.join(WORKSPACE, 'extensions');
    const r = loadCodex({ codexDir, extensionsDir, federation: federationInput(WORKSPACE, extensionsDir) });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const written = parse(fs.readFileSync(path.join(codexDir, 'lychd.toml'), 'utf8')) as Record<string, unknown>;
    for (const section of ['server', 'logging', 'persistence', 'queue', 'policy', 'defaults']) {
      expect(written[section], section).toBeDefined();
      expect(r.codex!.prime[section as 'server'], section).toEqual(written[section]);
    }
  });

  it('keeps unknown keys of the pass-through sections, nested tables and arrays included', () => {
    const { codex } = load({
      'lychd.toml': toml([
        '[server]',
        'anything = { nested = [1, 2], deeper = { x = "y" } }',
        '[policy]',
        'budget_usd = 12.5',
        '[policy.privacy]',
        'whatever = true',
        '[policy.moderation]',
        'level = "strict"',
      ]),
    });
    expect(codex!.prime.server).toEqual({ anything: { nested: [1, 2], deeper: { x: 'y' } } });
    expect(codex!.prime.policy).toEqual({ budget_usd: 12.5, privacy: { whatever: true }, moderation: { level: 'strict' } });
  });

  it('reports a misspelt or misplaced key in [defaults.*] and a wrong value at lychd.toml:line:col', () => {
    const { codexDir, diagnostics } = load({
      'lychd.toml': toml([
        '[defaults.soulstone]',
        'helth_retries = 3',
        'tensor_parallel_size = 2',
        'port = 9000',
        '[defaults.soulstone-vllm]',
        'gpu_memory_utilization = 2',
        '[defaults.soulstones]',
        'x = 1',
      ]),
    });
    expect(lines(codexDir, diagnostics)).toEqual([
      'lychd.toml:2:1: error[LYCHD103]: unknown field "helth_retries" [defaults.soulstone.helth_retries]\n  hint: did you mean "health_retries"?',
      expect.stringMatching(
        /^lychd\.toml:3:1: error\[LYCHD103\]: unknown field "tensor_parallel_size" \[defaults\.soulstone\.tensor_parallel_size\]/,
      ),
      expect.stringMatching(/^lychd\.toml:4:1: error\[LYCHD103\]: unknown field "port" \[defaults\.soulstone\.port\]/),
      expect.stringMatching(/^lychd\.toml:6:26: error\[LYCHD\d+\]: .*\[defaults\.soulstone-vllm\.gpu_memory_utilization\]/),
      expect.stringMatching(
        /^lychd\.toml:7:2: error\[LYCHD103\]: unknown field "soulstones" \[defaults\.soulstones\]\n {2}hint: did you mean "soulstone"\?/,
      ),
    ]);
  });

  it('refuses a daemon section that is not a table, at its line', () => {
    const { codexDir, diagnostics } = load({ 'lychd.toml': toml(['server = 3', '[policy]', 'egress = "open"']) });
    expect(lines(codexDir, diagnostics).map((l) => l.split(': error[')[0])).toEqual(['lychd.toml:1:10', 'lychd.toml:3:10']);
  });
});

describe('defaults rune families inherit', () => {
  const prime = toml([
    '[defaults.soulstone]',
    'start_timeout = 100',
    'capabilities = ["shared"]',
    '[defaults.soulstone-vllm]',
    'start_timeout = 200',
    'gpu_memory_utilization = 0.5',
  ]);

  it("applies the kind's table, the family's over it, and the rune's own value over both", () => {
    const { codex, diagnostics } = load({
      'lychd.toml': prime,
      [`${VLLM}/a.toml`]: vllm('a', 9001),
      [`${VLLM}/b.toml`]: vllm('b', 9002, ['start_timeout = 300', 'capabilities = ["own"]']),
      [`${GENERIC}/c.toml`]: generic('c', 9003),
    });
    expect(diagnostics).toEqual([]);
    const by = Object.fromEntries(soulstones(codex!).map((s) => [s.config.name, s.config as Record<string, unknown>]));
    expect([by['a']!['start_timeout'], by['b']!['start_timeout'], by['c']!['start_timeout']]).toEqual([200, 300, 100]);
    expect([by['a']!['capabilities'], by['b']!['capabilities'], by['c']!['capabilities']]).toEqual([['shared'], ['own'], ['shared']]);
    expect([by['a']!['gpu_memory_utilization'], by['c']!['gpu_memory_utilization']]).toEqual([0.5, undefined]);
  });

  it('fills a field the rune leaves out, so a rune may rely on it', () => {
    const noImage = toml(['name = "a"', 'port = 9001', 'model_path = "/models/m"', 'groups = ["g"]']);
    expect(load({ [`${VLLM}/a.toml`]: noImage }).diagnostics.map((d) => d.field)).toEqual(['image']);
    const withImage = toml(['[defaults.soulstone-vllm]', 'image = "docker.io/vllm/vllm-openai:v0.10.1"']);
    expect(load({ 'lychd.toml': withImage, [`${VLLM}/a.toml`]: noImage }).diagnostics).toEqual([]);
  });
});
