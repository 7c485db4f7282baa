import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadCodex,
  loadPrimeScroll,
  loadRuneFile,
  runeFiles,
  RULES,
  sortDiagnostics,
  type LocatedDiagnostic,
  type LocatedRune,
  type Rule,
  type SoulstoneRune,
} from '../../tools/src/codex';
import { toml, vllmRune, writeTree } from '../support/codex-fixture';

/**
 * The rule registry held to the truth: every rule fires on a Codex made to break it (a clean
 * Codex with one edit), reports only the codes and the severity it declares, and is run by the
 * loader. A rule added to the registry without a case here fails the first test.
 */

const A = 'runes/animator/soulstones/vllm/a.toml';
const B = 'runes/animator/soulstones/vllm/b.toml';
const SGLANG = 'runes/animator/soulstones/sglang/s.toml';
const LLAMA = 'runes/animator/soulstones/llamacpp/l.toml';

/** A clean Codex: no rule fires. */
const BASE: Record<string, string> = { 'lychd.toml': '', [A]: vllmRune('a', 9001) };

/** For each rule, by id, the files that break it (over BASE). */
const BREAKS: Record<string, Record<string, string>> = {
  'secret-or-plain': { [A]: vllmRune('a', 9001, ['env_vars = { T_FILE = "x" }', 'secret_env_files = { T_FILE = "t" }']) },
  'model-named': { [A]: toml(['name = "a"', 'image = "docker.io/vllm/vllm-openai:v0.10.1"', 'port = 9001', 'groups = ["g"]']) },
  'llamacpp-single-has-model': {
    [LLAMA]: toml([
      'name = "l"',
      'image = "ghcr.io/ggml-org/llama.cpp:server"',
      'port = 9003',
      'startup_mode = "single"',
      'groups = ["g"]',
    ]),
  },
  'gpu-in-coven': { [A]: vllmRune('a', 9001, ['groups = []']) },
  'marlin-needs-quantization': {
    [SGLANG]: toml([
      'name = "s"',
      'image = "docker.io/lmsysorg/sglang:v0.5.2"',
      'port = 9002',
      'model_path = "/models/s"',
      'groups = ["g"]',
      'enable_marlin = true',
    ]),
  },
  'unique-names': { [B]: vllmRune('a', 9002) },
  'port-singularity': { [B]: vllmRune('b', 9001) },
  'default-coven-exists': { 'lychd.toml': toml(['[sepulcher]', 'default_coven = "dreams"']) },
  'one-image-name': { 'lychd.toml': toml(['[vessel]', 'image = "ghcr.io/else/vessel:1"']) },
  'covens-listed-once': { [A]: vllmRune('a', 9001, ['groups = ["g", "g"]']) },
  'qualified-images': { [A]: vllmRune('a', 9001).replace('docker.io/vllm/', 'vllm/') },
  'publish-on-loopback': { 'lychd.toml': toml(['[sepulcher]', 'publish_address = "0.0.0.0"']) },
  'no-plain-credentials': { [A]: vllmRune('a', 9001, ['env_vars = { HF_TOKEN = "x" }']) },
  'no-dangerous-mounts': { [A]: vllmRune('a', 9001, ['volumes = ["/:/host"]']) },
};

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function write(files: Record<string, string>): string {
  const codexDir = writeTree({ ...BASE, ...files });
  made.push(codexDir);
  return codexDir;
}

/** What each rule reports on the Codex in `codexDir`, run alone on the loader's own reading of its files. */
function reports(codexDir: string): Map<Rule, LocatedDiagnostic[]> {
  const prime = loadPrimeScroll(codexDir);
  const located: LocatedRune[] = runeFiles(codexDir, undefined, []).refs.flatMap((ref) => {
    const { rune, source } = loadRuneFile(ref, prime.prime?.defaults);
    return rune && source ? [{ rune, source }] : [];
  });
  const stones = located.filter((l): l is LocatedRune & { rune: SoulstoneRune } => l.rune.kind === 'soulstone');
  return new Map(
    RULES.map((rule) => [
      rule,
      rule.scope === 'soulstone'
        ? stones.flatMap(({ rune, source }) => rule.check(rune, source))
        : rule.check({ prime: prime.prime!, source: prime.source! }, located),
    ]),
  );
}

describe('the rule registry', () => {
  it('has ids that are unique and readable, and a case that breaks each rule', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(Object.keys(BREAKS).sort()).toEqual([...ids].sort());
  });

  it('fires no rule on the clean Codex', () => {
    const codexDir = write({});
    expect([...reports(codexDir).values()].flat()).toEqual([]);
    expect(loadCodex({ codexDir }).diagnostics).toEqual([]);
  });

  it.each(RULES.map((r) => [r.id, r] as const))(
    '%s fires on its case, with the codes and severity it declares, in the loader',
    (id, rule) => {
      const codexDir = write(BREAKS[id]!);
      const all = reports(codexDir);
      expect(all.get(rule)!.length, `${id} reports nothing on its case`).toBeGreaterThan(0);
      for (const [r, diagnostics] of all) {
        for (const d of diagnostics) {
          expect(r.codes, `${r.id} reports ${d.code}: ${d.message}`).toContain(d.code);
          expect(d.severity, `${r.id}: ${d.message}`).toBe(r.severity);
        }
      }
      // The loader reports exactly what the rules report: the case breaks nothing else.
      expect(loadCodex({ codexDir }).diagnostics).toEqual(sortDiagnostics([...all.values()].flat()));
    },
  );
});
