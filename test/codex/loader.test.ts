import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic, loadCodex, type LocatedDiagnostic } from '../../tools/src/codex';
import { federationInput } from '../../tools/src/codex/registry';
import { copyExampleCodex, toml, vllmRune, writeTree, WORKSPACE } from '../support/codex-fixture';

const VLLM = 'runes/animator/soulstones/vllm';
const SGLANG = 'runes/animator/soulstones/sglang';
const LLAMA = 'runes/animator/soulstones/llamacpp';
const GENERIC = 'runes/animator/soulstones/generic';
const PORTALS = 'runes/animator/portals';

const vllm = vllmRune;

function load(files: Record<string, string>, extensions?: Record<string, string>) {
  const codexDir = writeTree({ 'lychd.toml': '', ...files });
  const extensionsDir = extensions ? writeTree(extensions, 'lychd-ext-') : undefined;
  return { codexDir, ...loadCodex({ codexDir, extensionsDir }) };
}

/** `relative/path:line:col: severity: message` lines, relative to the Codex, for readable assertions. */
const lines = (codexDir: string, diagnostics: LocatedDiagnostic[]) => diagnostics.map((d) => renderDiagnostic(d, codexDir));

describe('the shipped example Codex', () => {
  it('is valid and exercises every family', () => {
    const result = loadCodex({
      codexDir: path.join(WORKSPACE, 'codex'),
      extensionsDir: path.join(WORKSPACE, 'extensions'),
      federation: federationInput(WORKSPACE, path.join(WORKSPACE, 'extensions')),
    });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const families = new Set(result.codex!.runes.map((r) => r.family));
    expect([...families].sort()).toEqual(['portal', 'soulstone-generic', 'soulstone-llamacpp', 'soulstone-sglang', 'soulstone-vllm']);
    const eye = result.codex!.runes.find((r) => r.config.name === 'eye')!;
    expect(eye.kind === 'soulstone' && eye.config.base_url).toBe('http://localhost:8780/v1');
  });
});

describe('valid runes of each family', () => {
  it('applies defaults and keeps every field typed', () => {
    const { codex, diagnostics } = load({
      [`${VLLM}/a.toml`]: vllm('a', 9001, [
        'groups = ["x"]',
        'gpu_memory_utilization = 0.5',
        'tensor_parallel_size = 2',
        '[secret_env_files]',
        'HF_TOKEN_FILE = "hf_token"',
      ]),
      [`${SGLANG}/b.toml`]: toml([
        'name = "b"',
        'image = "docker.io/lmsysorg/sglang:v0.5.2"',
        'port = 9002',
        'model_path = "/models/m"',
        'enable_marlin = true',
        'quantization = "awq"',
        'groups = ["x"]',
      ]),
      [`${LLAMA}/c.toml`]: toml([
        'name = "c"',
        'image = "ghcr.io/ggml-org/llama.cpp:server"',
        'port = 9003',
        'startup_mode = "router"',
        'models_dir = "/models"',
        'n_cpu_moe = 4',
        'groups = ["x"]',
      ]),
      [`${GENERIC}/d.toml`]: toml([
        'name = "d"',
        'image = "docker.io/library/nginx:1.27"',
        'port = 9004',
        'runtime = "nginx"',
        'exec = ["nginx", "-g", "daemon off;"]',
      ]),
      [`${PORTALS}/e.toml`]: toml(['name = "e"', 'provider = "anthropic"', 'api_key_secret = "anthropic_key"', 'models = ["claude"]']),
    });
    expect(diagnostics).toEqual([]);
    const byName = Object.fromEntries(codex!.runes.map((r) => [r.config.name, r]));
    expect(byName['a']!.config).toMatchObject({
      runtime: 'vllm',
      groups: ['x'],
      expose_port: false,
      base_url: 'http://localhost:9001/v1',
      secret_env_files: { HF_TOKEN_FILE: 'hf_token' },
    });
    expect(byName['b']!.config).toMatchObject({ runtime: 'sglang', enable_marlin: true });
    expect(byName['c']!.config).toMatchObject({ runtime: 'llamacpp', startup_mode: 'router', n_cpu_moe: 4 });
    expect(byName['d']!.config).toMatchObject({ runtime: 'nginx', exec: ['nginx', '-g', 'daemon off;'] });
    expect(byName['e']!.kind).toBe('portal');
    expect(codex!.runes.map((r) => r.config.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('bad values, with the file, line and column of the offending value', () => {
  const cases: [string, string, RegExp][] = [
    ['port out of range', 'port = 70000', /a\.toml:3:8: error\[LYCHD105\]: "port" must be between 1 and 65535 \[port\]/],
    ['port of the wrong type', 'port = "8000"', /a\.toml:3:8: error\[LYCHD105\]: "port" must be a number, not a string/],
    ['invalid name', 'name = "Bad Name"', /a\.toml:1:8: error\[LYCHD105\]: "name" must be 1-50 lowercase/],
    ['invalid image', 'image = "not an image"', /a\.toml:2:9: error\[LYCHD105\]: "image" is not a valid image reference/],
    ['fraction above 1', 'gpu_memory_utilization = 1.5', /error\[LYCHD105\]: "gpu_memory_utilization" must be at most 1/],
    ['unknown quantization', 'quantization = "zip"', /error\[LYCHD105\]: "quantization" must be one of "awq", .*not "zip"/],
    ['bad coven name', 'groups = ["Vision Ritual"]', /error\[LYCHD105\]: "groups\[0\]" coven names are/],
    ['bad secret name', 'secret_env_files = { TOKEN = "a/b" }', /error\[LYCHD105\]: "secret_env_files\.TOKEN" podman secret names/],
    ['bad env name', 'env_vars = { "1X" = "v" }', /error\[LYCHD105\]: key "1X" in "env_vars" environment variable names/],
    ['newline in a description', 'description = "two\\nlines"', /error\[LYCHD105\]: "description" must be a single line/],
    ['relative model path', 'model_path = "models/x"', /error\[LYCHD105\]: "model_path" must be an absolute path/],
    ['bad base_url', 'base_url = "ftp://x"', /error\[LYCHD105\]: "base_url" must be an http/],
    [
      'runtime of another family',
      'runtime = "sglang"',
      /error\[LYCHD105\]: "runtime" must be "vllm" in the vllm folder, not "sglang" \[runtime\]\n {2}hint: a sglang rune belongs in runes\/animator\/soulstones\/sglang\/: move the file there/,
    ],
  ];
  it.each(cases)('%s', (_label, line, expected) => {
    const key = line.split(' ')[0]!;
    const base = ['name = "a"', 'image = "docker.io/vllm/vllm-openai:v0.10.1"', 'port = 9001'].filter((l) => !l.startsWith(`${key} `));
    const ordered =
      key === 'name'
        ? [line, ...base]
        : key === 'image'
          ? [base[0]!, line, base[1]!]
          : key === 'port'
            ? [base[0]!, base[1]!, line]
            : [...base, line];
    const { codexDir, codex, diagnostics } = load({ [`${VLLM}/a.toml`]: toml(ordered) });
    expect(codex).toBeUndefined();
    expect(lines(codexDir, diagnostics).join('\n')).toMatch(expected);
  });

  it('reports a missing required field at the file start', () => {
    const { codexDir, diagnostics } = load({ [`${VLLM}/a.toml`]: toml(['name = "a"', 'port = 1']) });
    expect(lines(codexDir, diagnostics)).toEqual([
      `${VLLM}/a.toml:1:1: error[LYCHD104]: missing required field "image" [image]\n  hint: add image = <string>`,
    ]);
  });

  it('reports every problem of every file at once', () => {
    const { codexDir, diagnostics } = load({
      [`${VLLM}/a.toml`]: toml(['name = "a"', 'image = "docker.io/vllm/vllm-openai:v1"', 'port = 0', 'max_num_seqs = 0']),
      [`${SGLANG}/b.toml`]: toml(['name = "b"', 'port = 70000']),
    });
    expect(lines(codexDir, diagnostics).map((l) => l.split(': error[')[0])).toEqual([
      `${SGLANG}/b.toml:1:1`,
      `${SGLANG}/b.toml:2:8`,
      `${VLLM}/a.toml:3:8`,
      `${VLLM}/a.toml:4:16`,
    ]);
  });
});

describe('unknown keys', () => {
  it('names the key, points at it and suggests the field a typo meant', () => {
    const { codexDir, diagnostics } = load({ [`${VLLM}/a.toml`]: vllm('a', 9001, ['quantisation = "awq"', '[extra]', 'x = 1']) });
    expect(lines(codexDir, diagnostics)).toEqual([
      `${VLLM}/a.toml:6:1: error[LYCHD103]: unknown field "quantisation" [quantisation]\n  hint: did you mean "quantization"?`,
      expect.stringMatching(
        new RegExp(`^${VLLM}/a\\.toml:7:2: error\\[LYCHD103\\]: unknown field "extra" \\[extra\\]\\n  hint: allowed fields: base_url, `),
      ),
    ]);
  });

  it('refuses an API key in a portal and says where the key belongs', () => {
    const { codexDir, diagnostics } = load({ [`${PORTALS}/p.toml`]: toml(['name = "p"', 'provider = "openai"', 'api_key = "sk-secret"']) });
    expect(lines(codexDir, diagnostics)[0]).toMatch(
      /p\.toml:3:1: error\[LYCHD103\]: unknown field "api_key" \[api_key\]\n {2}hint: keep the key out of the Codex: store it with `podman secret create/,
    );
  });

  it('rejects unknown sections of the Prime Scroll', () => {
    const { codexDir, diagnostics } = load({ 'lychd.toml': toml(['[sepulcher]', 'publish_adress = "0.0.0.0"']) });
    expect(lines(codexDir, diagnostics)).toEqual([
      'lychd.toml:2:1: error[LYCHD103]: unknown field "publish_adress" [sepulcher.publish_adress]\n  hint: did you mean "publish_address"?',
    ]);
  });
});

describe('misplaced files', () => {
  it('reports a file in a folder no family owns, in a branch anchor, or with a bad path part', () => {
    const { codexDir, diagnostics } = load({
      'runes/animator/soulstones/tgi/a.toml': vllm('a', 1),
      'runes/animator/soulstones/b.toml': vllm('b', 2),
      'runes/c.toml': vllm('c', 3),
      [`${VLLM}/Bad Name.toml`]: vllm('d', 4),
      [`${VLLM}/notes.md`]: 'not a rune, ignored',
    });
    expect(lines(codexDir, diagnostics)).toEqual([
      expect.stringMatching(
        /^runes\/animator\/soulstones\/b\.toml:1:1: error\[LYCHD106\]: runes\/animator\/soulstones\/ only groups other anchors/,
      ),
      expect.stringMatching(
        /^runes\/animator\/soulstones\/tgi\/a\.toml:1:1: error\[LYCHD106\]: no rune family owns runes\/animator\/soulstones\/tgi\//,
      ),
      expect.stringMatching(
        /^runes\/animator\/soulstones\/vllm\/Bad Name\.toml:1:1: error\[LYCHD106\]: path part "Bad Name" is not a valid rune path part/,
      ),
      expect.stringMatching(/^runes\/c\.toml:1:1: error\[LYCHD106\]: runes\/ only groups other anchors/),
    ]);
  });
});

describe('TOML syntax errors', () => {
  it('points where the parser stopped', () => {
    const { codexDir, diagnostics } = load({ [`${VLLM}/a.toml`]: toml(['name = "a"', 'port = = 1']) });
    expect(lines(codexDir, diagnostics)).toEqual([
      `${VLLM}/a.toml:2:8: error[LYCHD102]: TOML syntax error: Unexpected token\n  hint: correct the TOML syntax at this position (see https://toml.io)`,
    ]);
  });
  it('reports a key defined twice', () => {
    const { codexDir, diagnostics } = load({ [`${VLLM}/a.toml`]: toml(['name = "a"', 'name = "b"']) });
    expect(lines(codexDir, diagnostics)[0]).toMatch(
      /a\.toml:2:1: error\[LYCHD102\]: TOML syntax error: Defining a key multiple times is invalid/,
    );
  });
  it('reports a broken Prime Scroll too', () => {
    const { codexDir, diagnostics } = load({ 'lychd.toml': '[sepulcher\n' });
    expect(lines(codexDir, diagnostics)[0]).toMatch(/^lychd\.toml:\d+:\d+: error\[LYCHD102\]: TOML syntax error: Unterminated table-key/);
  });
});

describe('rules across the whole Codex', () => {
  it('rejects duplicate names in every file that uses them', () => {
    const { codexDir, diagnostics } = load({
      [`${VLLM}/a.toml`]: vllm('same', 9001),
      [`${SGLANG}/b.toml`]: toml([
        'name = "same"',
        'image = "docker.io/lmsysorg/sglang:v1"',
        'port = 9002',
        'models = ["m"]',
        'groups = ["g"]',
      ]),
    });
    expect(lines(codexDir, diagnostics)).toEqual([
      `${SGLANG}/b.toml:1:8: error[LYCHD107]: rune name "same" is also used by animator/soulstones/vllm/a.toml [name]\n  hint: names become unit names and must be unique across the Codex and its extensions: rename one`,
      `${VLLM}/a.toml:1:8: error[LYCHD107]: rune name "same" is also used by animator/soulstones/sglang/b.toml [name]\n  hint: names become unit names and must be unique across the Codex and its extensions: rename one`,
    ]);
  });

  it('enforces the Port Singularity across soulstones and core services', () => {
    const { codexDir, diagnostics } = load({
      [`${VLLM}/a.toml`]: vllm('a', 9001),
      [`${VLLM}/b.toml`]: vllm('b', 9001),
      [`${VLLM}/c.toml`]: vllm('c', 5432),
    });
    expect(lines(codexDir, diagnostics).map((l) => l.split('\n')[0])).toEqual([
      `${VLLM}/a.toml:3:8: error[LYCHD108]: port 9001 is also used by soulstone b (animator/soulstones/vllm/b.toml) [port]`,
      `${VLLM}/b.toml:3:8: error[LYCHD108]: port 9001 is also used by soulstone a (animator/soulstones/vllm/a.toml) [port]`,
      `${VLLM}/c.toml:3:8: error[LYCHD108]: port 5432 is also used by core service phylactery (lychd.toml) [port]`,
    ]);
  });

  it('counts optional observability ports only when enabled', () => {
    expect(load({ [`${VLLM}/a.toml`]: vllm('a', 9090) }).diagnostics).toEqual([]);
    const on = load({ 'lychd.toml': toml(['[harvester]', 'enabled = true']), [`${VLLM}/a.toml`]: vllm('a', 9090) });
    expect(on.diagnostics.map((d) => d.message)).toEqual(['port 9090 is also used by core service harvester (lychd.toml)']);
  });

  it('requires the default coven to exist', () => {
    const { codexDir, diagnostics } = load({
      'lychd.toml': toml(['[sepulcher]', 'default_coven = "dreams"']),
      [`${VLLM}/a.toml`]: vllm('a', 9001, ['groups = ["vision"]']),
    });
    expect(lines(codexDir, diagnostics)).toEqual([
      'lychd.toml:2:17: error[LYCHD109]: default coven "dreams" has no soulstone [sepulcher.default_coven]\n  hint: use one of vision, or add it to a soulstone\'s groups',
    ]);
  });

  it('warns, without failing, about an image that is not fully qualified', () => {
    const { codex, codexDir, diagnostics } = load({
      [`${VLLM}/a.toml`]: toml([
        'name = "a"',
        'image = "vllm/vllm-openai:latest"',
        'port = 9001',
        'model_path = "/models/m"',
        'groups = ["g"]',
      ]),
    });
    expect(codex).toBeDefined();
    expect(lines(codexDir, diagnostics)).toEqual([
      `${VLLM}/a.toml:2:9: warning[LYCHD150]: image "vllm/vllm-openai:latest" is not fully qualified; podman would pick a registry from its search list [image]\n  hint: write the registry too, e.g. docker.io/vllm/vllm-openai:latest`,
    ]);
  });
});

describe('extensions', () => {
  const ext = {
    'oracle/pyproject.toml': '',
    'oracle/runes/animator/soulstones/generic/whisper.toml': toml([
      'name = "whisper"',
      'image = "docker.io/onerahmet/openai-whisper-asr-webservice:v1"',
      'port = 9100',
    ]),
    'atelier/pyproject.toml': '',
  };

  it('loads the runes of every extension found, with their provider', () => {
    const { codex } = load({}, ext);
    expect(codex!.extensions).toEqual(['atelier', 'oracle']);
    expect(codex!.runes.map((r) => [r.config.name, r.origin.provider, r.origin.relativePath])).toEqual([
      ['whisper', 'oracle', 'animator/soulstones/generic/whisper.toml'],
    ]);
  });

  it('loads only the active extensions and names an active one that is missing', () => {
    expect(load({ 'lychd.toml': toml(['[extensions]', 'active = ["atelier"]']) }, ext).codex!.runes).toEqual([]);
    const { codexDir, diagnostics } = load({ 'lychd.toml': toml(['[extensions]', 'active = ["atelier", "scriptorium"]']) }, ext);
    expect(lines(codexDir, diagnostics)).toEqual([
      'lychd.toml:2:22: error[LYCHD111]: extension "scriptorium" is not installed [extensions.active[1]]\n  hint: use an installed one (atelier, oracle), or install scriptorium first',
    ]);
  });

  it('refuses an extension listed twice, where it is listed', () => {
    const { codexDir, diagnostics } = load({ 'lychd.toml': toml(['[extensions]', 'active = ["oracle", "atelier", "oracle"]']) }, ext);
    expect(lines(codexDir, diagnostics)).toEqual([
      'lychd.toml:2:32: error[LYCHD105]: "extensions.active[2]" names "oracle" a second time: list each extension once [extensions.active[2]]',
    ]);
  });

  it('applies the cross-rune rules across the Codex and its extensions', () => {
    const { diagnostics } = load({ [`${VLLM}/a.toml`]: vllm('whisper', 9100) }, ext);
    expect(diagnostics.map((d) => d.message).sort()).toEqual([
      'port 9100 is also used by soulstone whisper (animator/soulstones/generic/whisper.toml)',
      'port 9100 is also used by soulstone whisper (animator/soulstones/vllm/a.toml)',
      'rune name "whisper" is also used by animator/soulstones/generic/whisper.toml',
      'rune name "whisper" is also used by animator/soulstones/vllm/a.toml',
    ]);
  });
});

describe('the Codex folder itself', () => {
  it('names a missing Prime Scroll', () => {
    const dir = writeTree({ 'runes/.keep': '' });
    const result = loadCodex({ codexDir: dir });
    expect(result.diagnostics.map((d) => d.message)).toEqual(['no Prime Scroll: lychd.toml is missing']);
  });
  it('leaves the example untouched when validation fails', () => {
    const codexDir = copyExampleCodex();
    fs.appendFileSync(path.join(codexDir, VLLM, 'private_runtime.toml'), 'bogus = 1\n');
    const before = fs.readdirSync(codexDir, { recursive: true }).sort();
    expect(loadCodex({ codexDir }).codex).toBeUndefined();
    expect(fs.readdirSync(codexDir, { recursive: true }).sort()).toEqual(before);
  });
});
