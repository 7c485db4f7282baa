import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic, loadCodex, soulstones, type Codex, type SoulstoneRune } from '../../tools/src/codex';
import type { Code, StageCode } from '../../tools/src/diagnostics';
import { renderGeneration, ScribeError } from '../../tools/src/scribe';
import { runValidate } from '../../tools/src/cli/validate';
import { toml, writeTree } from '../support/codex-fixture';
import { printed } from '../support/run';
import { writeWorkspace } from '../synthesis/fixtures';
import { tempDir } from '../support/temp';

/**
 * Validation is the whole truth: every rejection the Scribe can produce from a Codex is reported
 * by validation first, at the file, line and column of the value. Each case states one bad value
 * twice: as TOML (what validate reads) and as the same edit on a valid loaded Codex (what the
 * Scribe would get if validation let it through), and the Scribe must refuse that edit.
 */

type ScribeCode = StageCode<'4'>;

const VLLM = 'runes/animator/soulstones/vllm/a.toml';
const SGLANG = 'runes/animator/soulstones/sglang/b.toml';
const LLAMA = 'runes/animator/soulstones/llamacpp/c.toml';

const vllmLines = ['name = "a"', 'image = "docker.io/vllm/vllm-openai:v0.10.1"', 'port = 9001'];
const sglangLines = ['name = "b"', 'image = "docker.io/lmsysorg/sglang:v0.5.2"', 'port = 9002'];
const llamaLines = ['name = "c"', 'image = "ghcr.io/ggml-org/llama.cpp:server"', 'port = 9003'];

const BASE: Record<string, string[]> = {
  'lychd.toml': [],
  [VLLM]: [...vllmLines, 'model_path = "/models/a"'],
  [SGLANG]: [...sglangLines, 'model_path = "/models/b"'],
  [LLAMA]: [...llamaLines, 'model_path = "/models/c.gguf"'],
};

interface Case {
  name: string;
  /** The code validate reports, and the code of the Scribe's refusal of the same value. */
  code: Code;
  scribeCode: ScribeCode;
  /** The file the bad value is written in, and its whole text. */
  file: string;
  lines: string[];
  /** The same change on a loaded, valid Codex. */
  edit: (codex: Codex) => void;
  /** What validate reports: `line:col`, field and message. */
  at: string;
  field: string;
  message: RegExp;
  /** The field the Scribe names, when it differs from validate's (or none). */
  scribeField?: string | null;
}

const stone = (codex: Codex, name: string): SoulstoneRune['config'] => soulstones(codex).find((r) => r.config.name === name)!.config;
const cfg = (codex: Codex, name: string) => stone(codex, name) as Record<string, unknown>;

const CASES: Case[] = [
  {
    name: 'a vLLM rune with no model',
    code: 'LYCHD110',
    scribeCode: 'LYCHD403',
    file: VLLM,
    lines: vllmLines,
    edit: (c) => delete cfg(c, 'a')['model_path'],
    at: '1:1',
    field: 'model_path',
    message: /vLLM needs a model/,
  },
  {
    name: 'an SGLang rune with no model',
    code: 'LYCHD110',
    scribeCode: 'LYCHD403',
    file: SGLANG,
    lines: sglangLines,
    edit: (c) => delete cfg(c, 'b')['model_path'],
    at: '1:1',
    field: 'model_path',
    message: /SGLang needs a model/,
  },
  {
    name: 'a llama.cpp rune in single mode with no model_path',
    code: 'LYCHD110',
    scribeCode: 'LYCHD403',
    file: LLAMA,
    lines: [...llamaLines, 'startup_mode = "single"'],
    edit: (c) => ((cfg(c, 'c')['startup_mode'] = 'single'), delete cfg(c, 'c')['model_path']),
    at: '4:16',
    field: 'startup_mode',
    message: /model_path is not set/,
  },
  {
    name: 'the same variable in env_vars and secret_env_files',
    code: 'LYCHD113',
    scribeCode: 'LYCHD404',
    file: VLLM,
    lines: [...BASE[VLLM]!, 'env_vars = { TOKEN_FILE = "x" }', 'secret_env_files = { TOKEN_FILE = "tok" }'],
    edit: (c) => ((cfg(c, 'a')['env_vars'] = { TOKEN_FILE: 'x' }), (cfg(c, 'a')['secret_env_files'] = { TOKEN_FILE: 'tok' })),
    at: '6:35',
    field: 'secret_env_files.TOKEN_FILE',
    message: /set both in env_vars and in secret_env_files/,
  },
  {
    name: 'a podman_version below the supported one',
    code: 'LYCHD105',
    scribeCode: 'LYCHD405',
    file: 'lychd.toml',
    lines: ['[sepulcher]', 'podman_version = "5.2"'],
    edit: (c) => (c.prime.sepulcher.podman_version = '5.2'),
    at: '2:18',
    field: 'sepulcher.podman_version',
    message: /older than podman 5\.3/,
  },
  {
    name: 'a podman_version that is not a version',
    code: 'LYCHD105',
    scribeCode: 'LYCHD405',
    file: 'lychd.toml',
    lines: ['[sepulcher]', 'podman_version = "five"'],
    edit: (c) => (c.prime.sepulcher.podman_version = 'five'),
    at: '2:18',
    field: 'sepulcher.podman_version',
    message: /must be a podman version/,
  },
  {
    name: 'a "%" in a volume',
    code: 'LYCHD105',
    scribeCode: 'LYCHD401',
    file: VLLM,
    lines: [...BASE[VLLM]!, 'volumes = ["/srv/100%n:/m"]'],
    edit: (c) => (cfg(c, 'a')['volumes'] = ['/srv/100%n:/m']),
    at: '5:12',
    field: 'volumes[0]',
    message: /specifier/,
  },
  {
    name: 'a description ending in a backslash',
    code: 'LYCHD105',
    scribeCode: 'LYCHD400',
    file: VLLM,
    lines: [...BASE[VLLM]!, "description = 'continues\\'"],
    edit: (c) => (cfg(c, 'a')['description'] = 'continues\\'),
    at: '5:15',
    field: 'description',
    message: /must not end in a backslash/,
  },
  {
    name: 'a description with a line break',
    code: 'LYCHD105',
    scribeCode: 'LYCHD400',
    file: VLLM,
    lines: [...BASE[VLLM]!, 'description = "ok\\n[Service]"'],
    edit: (c) => (cfg(c, 'a')['description'] = 'ok\n[Service]'),
    at: '5:15',
    field: 'description',
    message: /single line/,
  },
  {
    name: 'an empty exec argument',
    code: 'LYCHD105',
    scribeCode: 'LYCHD402',
    file: VLLM,
    lines: [...BASE[VLLM]!, 'exec = ["echo", "", "rest"]'],
    edit: (c) => (cfg(c, 'a')['exec'] = ['echo', '', 'rest']),
    at: '5:17',
    field: 'exec[1]',
    message: /empty argument/,
  },
  {
    name: 'a lone ";" in extra_args',
    code: 'LYCHD105',
    scribeCode: 'LYCHD402',
    file: VLLM,
    lines: [...BASE[VLLM]!, 'extra_args = [";", "/bin/evil"]'],
    edit: (c) => (cfg(c, 'a')['extra_args'] = [';', '/bin/evil']),
    at: '5:15',
    field: 'extra_args[0]',
    message: /second command/,
  },
  {
    name: 'a control character in an environment value',
    code: 'LYCHD105',
    scribeCode: 'LYCHD400',
    file: VLLM,
    lines: [...BASE[VLLM]!, 'env_vars = { A = "x\\u0007y" }'],
    edit: (c) => (cfg(c, 'a')['env_vars'] = { A: 'x\u0007y' }),
    at: '5:18',
    field: 'env_vars.A',
    message: /control characters/,
  },
  {
    name: 'an empty served_model_name',
    code: 'LYCHD105',
    scribeCode: 'LYCHD402',
    file: VLLM,
    lines: [...BASE[VLLM]!, 'served_model_name = ""'],
    edit: (c) => (cfg(c, 'a')['served_model_name'] = ''),
    at: '5:21',
    field: 'served_model_name',
    message: /empty argument/,
    scribeField: 'extra_args',
  },
  {
    name: 'an empty model id where the model comes from models',
    code: 'LYCHD105',
    scribeCode: 'LYCHD402',
    file: VLLM,
    lines: [...vllmLines, 'models = [""]'],
    edit: (c) => (delete cfg(c, 'a')['model_path'], (cfg(c, 'a')['models'] = [''])),
    at: '4:11',
    field: 'models[0]',
    message: /empty argument/,
    scribeField: 'extra_args',
  },
  {
    name: 'an image that is not one safe word',
    code: 'LYCHD105',
    scribeCode: 'LYCHD401',
    file: VLLM,
    lines: ['name = "a"', 'image = "docker.io/x:1 y"', 'port = 9001', 'model_path = "/m"'],
    edit: (c) => (cfg(c, 'a')['image'] = 'docker.io/x:1 y'),
    at: '2:9',
    field: 'image',
    message: /not a valid image reference/,
  },
  {
    name: 'a device that is not a CDI name',
    code: 'LYCHD105',
    scribeCode: 'LYCHD401',
    file: VLLM,
    lines: [...BASE[VLLM]!, 'devices = ["-nvidia.com/gpu=all evil"]'],
    edit: (c) => (cfg(c, 'a')['devices'] = ['-nvidia.com/gpu=all evil']),
    at: '5:12',
    field: 'devices[0]',
    message: /CDI device name/,
  },
  {
    name: 'two exposed core services on one port',
    code: 'LYCHD108',
    scribeCode: 'LYCHD406',
    file: 'lychd.toml',
    lines: ['[oculus]', 'port = 8000'],
    edit: (c) => (c.prime.oculus.port = 8000),
    at: '2:8',
    field: 'oculus.port',
    message: /port 8000 is also used by core service vessel/,
    scribeField: null,
  },
  {
    name: 'a core service environment value with a line break',
    code: 'LYCHD105',
    scribeCode: 'LYCHD400',
    file: 'lychd.toml',
    lines: ['[vessel]', 'env_vars = { A = "x\\ny" }'],
    edit: (c) => (c.prime.vessel.env_vars = { A: 'x\ny' }),
    at: '2:18',
    field: 'vessel.env_vars.A',
    message: /single line/,
  },
  {
    name: 'a health_cmd that starts with a space',
    code: 'LYCHD105',
    scribeCode: 'LYCHD402',
    file: VLLM,
    lines: [...vllmLines, 'model_path = "/models/a"', 'health_cmd = " curl -f http://127.0.0.1:9001/health"'],
    edit: (c) => (stone(c, 'a').health_cmd = ' curl -f http://127.0.0.1:9001/health'),
    at: '5:14',
    field: 'health_cmd',
    message: /must not start or end with spaces/,
  },
  {
    name: 'a health_cmd that starts or ends with a double quote',
    code: 'LYCHD105',
    scribeCode: 'LYCHD402',
    file: VLLM,
    lines: [...vllmLines, 'model_path = "/models/a"', `health_cmd = 'sh -c "exit 0"'`],
    edit: (c) => (stone(c, 'a').health_cmd = 'sh -c "exit 0"'),
    at: '5:14',
    field: 'health_cmd',
    message: /must not start or end with a double quote/,
  },
];

/** Every soulstone joins one coven last (a GPU soulstone in none is refused), so no case's positions move. */
const inCoven = (file: string, lines: string[]) => (file.includes('/soulstones/') ? [...lines, 'groups = ["all"]'] : lines);

function writeCodex(replace: { file: string; lines: string[] }): string {
  const files = Object.fromEntries(Object.entries(BASE).map(([f, l]) => [f, toml(inCoven(f, f === replace.file ? replace.lines : l))]));
  return writeTree(files);
}

function loadBase(): Codex {
  const codexDir = writeCodex({ file: 'lychd.toml', lines: [] });
  const r = loadCodex({ codexDir });
  if (!r.codex) throw new Error(r.diagnostics.map((d) => renderDiagnostic(d)).join('\n'));
  return r.codex;
}

describe('validate reports, at file:line:col, every value the Scribe would refuse', () => {
  it('the base Codex is valid and renders', () => {
    expect(renderGeneration(loadBase()).size).toBeGreaterThan(0);
  });

  it.each(CASES)('$name', (c) => {
    const codex = loadBase();
    c.edit(codex);
    let thrown: unknown;
    try {
      renderGeneration(codex);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, 'the Scribe must refuse this edit, or the case proves nothing').toBeInstanceOf(ScribeError);
    expect((thrown as ScribeError).code).toBe(c.scribeCode);
    const scribeField = c.scribeField === undefined ? c.field : c.scribeField;
    expect((thrown as ScribeError).field).toBe(scribeField ?? undefined);

    const codexDir = writeCodex(c);
    const result = loadCodex({ codexDir });
    expect(result.codex).toBeUndefined();
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const found = errors.find((d) => d.field === c.field && d.code === c.code);
    expect(found, errors.map((d) => renderDiagnostic(d, codexDir)).join('\n')).toBeDefined();
    expect(path.relative(codexDir, found!.file)).toBe(c.file);
    expect(`${found!.line}:${found!.column}`).toBe(c.at);
    expect(found!.message).toMatch(c.message);
  });
});

/**
 * Every kind of refusal of the Scribe, by its code, classified: either cases above produce it
 * (the Scribe refuses with that code, validate reports the value first), or no validated Codex
 * can reach it, and why. The table's type names every Scribe code (LYCHD4xx), so a new kind of
 * refusal does not compile until it is classified here.
 */
const REFUSALS: Record<ScribeCode, string> = {
  LYCHD400:
    'cases: a description ending in a backslash, a description with a line break, a control character in an environment value, a core service environment value with a line break',
  LYCHD401: 'cases: a "%" in a volume, an image that is not one safe word, a device that is not a CDI name',
  LYCHD402:
    'cases: an empty exec argument, a lone ";" in extra_args, an empty served_model_name, an empty model id where the model comes from models, a health_cmd that starts with a space, a health_cmd that starts or ends with a double quote',
  LYCHD403: 'cases: a vLLM rune with no model, an SGLang rune with no model, a llama.cpp rune in single mode with no model_path',
  LYCHD404: 'case: the same variable in env_vars and secret_env_files',
  LYCHD405: 'cases: a podman_version below the supported one, a podman_version that is not a version',
  LYCHD406: 'case: two exposed core services on one port (soulstones: the Port Singularity rule)',
  LYCHD407:
    'internal: the soulstone roster is built from the same Codex as the runes; covens, and the variables the Forge sets on the Vessel (codex/vessel-needs.ts), are validated first',
  LYCHD408:
    "internal: unit names, sections, keys and their kinds come from the Forge's builders, held to the key table by the compiler (test/scribe/keys.test.ts), never from the Codex",
  LYCHD409: 'internal: the output folder of `scribe --out`, not a Codex value',
};

const casesOf = (why: string): string[] =>
  why.startsWith('case')
    ? why
        .replace(/^cases?: /, '')
        .replace(/ \(.*\)$/, '')
        .split(', ')
    : [];

describe('every kind of refusal of the Scribe is accounted for', () => {
  it('each code is produced by the cases it names, and each case is named under its code', () => {
    for (const [code, why] of Object.entries(REFUSALS) as [ScribeCode, string][]) {
      for (const name of casesOf(why)) expect(CASES.find((c) => c.name === name)?.scribeCode, `${code}: ${name}`).toBe(code);
    }
    for (const c of CASES) expect(casesOf(REFUSALS[c.scribeCode]), c.name).toContain(c.name);
  });
});

describe('warnings for flags that do nothing alone', () => {
  it('enable_marlin without an AWQ or GPTQ quantization', () => {
    const codexDir = writeCodex({ file: SGLANG, lines: [...BASE[SGLANG]!, 'enable_marlin = true'] });
    const result = loadCodex({ codexDir });
    expect(result.codex).toBeDefined();
    expect(result.diagnostics.filter((d) => d.field !== 'groups').map((d) => renderDiagnostic(d, codexDir))).toEqual([
      `${SGLANG}:5:17: warning[LYCHD153]: enable_marlin has no effect here [enable_marlin]\n  why: Marlin kernels exist only for quantization = "awq" or "gptq", which this rune does not set\n  hint: set quantization = "awq" or "gptq" for an AWQ or GPTQ model, or remove enable_marlin`,
    ]);
  });
});

describe('validate reports what synthesis would stop on, in the same run', () => {
  it("a Node range conflict and a bad system dependency of the workspace's extensions", () => {
    const root = tempDir('lychd-truth-');
    try {
      writeWorkspace(root, {
        alpha: { node: { 'tiny-ms': '^1.0.0' }, system: ['ffmpeg'] },
        beta: { node: { 'tiny-ms': '^2.0.0' }, system: ['curl; rm -rf /'] },
      });
      const r = printed(
        runValidate({ workspaceRoot: root, codexDir: path.join(root, 'codex'), extensionsDir: path.join(root, 'extensions') }),
      );
      expect(r.status).toBe(1);
      expect(r.stderr.replaceAll(root, '<ws>')).toMatchInlineSnapshot(`
        "<ws>/extensions/beta/package.json: error[LYCHD301]: extension beta needs tiny-ms@"^2.0.0" but extension alpha needs tiny-ms@"^1.0.0" (extensions/alpha/package.json); no version satisfies both ranges [dependencies.tiny-ms]
          hint: change one range so that a single version of tiny-ms satisfies both alpha and beta
        <ws>/extensions/beta/pyproject.toml:9: error[LYCHD302]: "curl; rm -rf /" is not a Debian package name (extension beta) [tool.lychd.system-dependencies[0]]
          hint: use lowercase letters, digits, "+", "-" and "." (at least two characters), optionally "=version", e.g. "ffmpeg" or "ffmpeg=7:5.1.6-0+deb12u1"
        Codex <ws>/codex: 2 error(s), 0 warning(s); nothing was written.
        "
      `);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
