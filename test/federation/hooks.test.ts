import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRegistry } from '../../tools/src/cli/federate';
import { loadCodex, renderDiagnostic } from '../../tools/src/codex';
import { ForgeError } from '../../tools/src/diagnostics';
import { federate, runHooks } from '../../tools/src/federation';
import { emptyRegistrations, federationInput } from '../../tools/src/codex/registry';
import { mergePython } from '../../tools/src/synthesis';
import { renderFederatedSoulstones, renderGeneration } from '../../tools/src/scribe';
import { dryRunQuadlets } from '../../tools/src/toolchain';
import { installed } from '../scribe/helpers';
import { runProgram } from '../../tools/src/toolchain/run';
import { resolveTool } from '../../tools/src/toolchain/tools';
import { hookLauncher, UNSANDBOXED_VARIABLE } from '../../tools/src/federation/sandbox';
import { REQUIRE_TOOLS, skipWithout } from '../toolchain/tool-gate';
import { tempDir } from '../support/temp';

const REPO = path.resolve(__dirname, '../..');
const noUv = skipWithout('uv');
const noQuadlet = !!skipWithout('quadlet');
// The hooks run in bubblewrap; setup installs it, and CI never skips for lack of it.
const noBwrap = !REQUIRE_TOOLS && spawnSync('bwrap', ['--version']).status !== 0;
if (noBwrap) console.warn('[hook tests] SKIPPING: bubblewrap (bwrap) is not installed; run `bash scripts/setup-tools.sh`');
beforeAll(() => {
  const uv = resolveTool('uv', { workspaceRoot: REPO });
  if (uv) process.env['LYCHD_UV'] = uv;
});

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

const pyproject = (name: string, extra = '') =>
  `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[project.entry-points."lychd.extensions"]\n${name} = "${name}:register"\n${extra}`;

/**
 * A workspace with the real core package (its recording context), the given extensions (module
 * source of each) and a synthesis lock made by the real uv (no dependencies: it locks offline).
 */
function workspace(extensions: Record<string, { hook: string; pyprojectExtra?: string; files?: Record<string, string> }>): string {
  const root = tempDir('lychd-federation-');
  write(root, {
    'codex/lychd.toml': '',
    'core/pyproject.toml': '[project]\nname = "lychd-core"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n',
  });
  fs.cpSync(path.join(REPO, 'core/src/lychd_core'), path.join(root, 'core/src/lychd_core'), { recursive: true });
  for (const [name, ext] of Object.entries(extensions)) {
    write(root, {
      [`extensions/${name}/pyproject.toml`]: pyproject(name, ext.pyprojectExtra),
      [`extensions/${name}/src/${name}/__init__.py`]: ext.hook,
    });
    write(root, Object.fromEntries(Object.entries(ext.files ?? {}).map(([f, t]) => [`extensions/${name}/${f}`, t])));
  }
  const members = ['core', ...Object.keys(extensions).map((n) => `extensions/${n}`)].map((m) => `"../../../${m}"`).join(', ');
  write(root, { 'forge/synthesis/python/pyproject.toml': `[tool.uv.workspace]\nmembers = [${members}]\n` });
  const r = runProgram(process.env['LYCHD_UV']!, ['lock', '--offline', '--no-progress'], {
    cwd: path.join(root, 'forge/synthesis/python'),
    env: { ...process.env, UV_PYTHON_DOWNLOADS: 'never' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return root;
}

function failureOf(fn: () => unknown, root: string): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ForgeError);
    return (e as ForgeError).diagnostics.map((d) => renderDiagnostic(d, root)).join('\n');
  }
  throw new Error('expected the hooks to fail');
}

const GOOD = `from lychd_core import RuneDefinition


def register(context):
    context.add_system_dependency("sox")
    context.add_capability("audio.trim")
    context.add_rune(RuneDefinition(anchor="animator/portals", fields={"name": "tts", "provider": "elevenlabs"}))
    context.add_anchor("good/shelves", schema="schemas/shelves.schema.json")
`;
const SHELF_SCHEMA = JSON.stringify({
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string' }, size: { type: 'integer', minimum: 1 } },
});

describe.skipIf(noUv || noBwrap)('the register hooks, run in the locked environment', () => {
  it('records what each hook registered, with the file and line of the call', () => {
    const root = workspace({
      good: {
        hook: GOOD,
        pyprojectExtra: '\n[tool.lychd]\nsystem-dependencies = ["ffmpeg"]\n',
        files: { 'schemas/shelves.schema.json': SHELF_SCHEMA },
      },
    });
    const { registry, text } = federate({ workspaceRoot: root });
    expect(describeRegistry(registry)).toEqual([
      'good: system dependency sox (extensions/good/src/good/__init__.py:5)',
      'good: capability audio.trim (extensions/good/src/good/__init__.py:6)',
      'good: rune tts in runes/animator/portals/ (extensions/good/src/good/__init__.py:7)',
      'good: anchor runes/good/shelves/ with schema extensions/good/schemas/shelves.schema.json (extensions/good/src/good/__init__.py:8)',
    ]);
    // Same inputs, same bytes.
    expect(federate({ workspaceRoot: root }).text).toBe(text);

    // Static lists and registrations are merged for synthesis.
    const merged = mergePython(root);
    expect(merged.systemPackages.map((p) => `${p.spec} <- ${p.requestedBy.join(',')}`)).toEqual(['ffmpeg <- good', 'sox <- good']);
    expect(merged.members.find((m) => m.component.name === 'good')?.capabilities).toEqual(['audio.trim']);

    // Validation: the registered portal is a rune; a rune file under the new anchor is checked by its schema.
    write(root, { 'codex/runes/good/shelves/attic.toml': 'name = "attic"\nsize = 0\ncolour = "red"\n' });
    const bad = loadCodex({
      codexDir: path.join(root, 'codex'),
      extensionsDir: path.join(root, 'extensions'),
      federation: federationInput(root, path.join(root, 'extensions')),
    });
    expect(bad.diagnostics.map((d) => renderDiagnostic(d, root))).toEqual([
      'codex/runes/good/shelves/attic.toml:2:8: error[LYCHD105]: "size" must be >= 1 [size]',
      'codex/runes/good/shelves/attic.toml:3:1: error[LYCHD103]: unknown field "colour" [colour]\n  hint: remove it, or check the family\'s schema for the right name',
    ]);
    write(root, { 'codex/runes/good/shelves/attic.toml': 'name = "attic"\nsize = 3\n' });
    const ok = loadCodex({
      codexDir: path.join(root, 'codex'),
      extensionsDir: path.join(root, 'extensions'),
      federation: federationInput(root, path.join(root, 'extensions')),
    });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.codex!.runes.map((r) => `${r.kind} ${r.config.name} from ${r.origin.provider}`)).toEqual(['portal tts from good']);
    expect(ok.codex!.anchored!.map((r) => `${r.anchor}/${String(r.value['name'])} (${r.family})`)).toEqual(['good/shelves/attic (good)']);
  });

  it("reports a conflict between the static list and the hook at the hook's line", () => {
    const root = workspace({
      good: {
        hook: GOOD,
        pyprojectExtra: '\n[tool.lychd]\nsystem-dependencies = ["sox=14.4.2"]\n',
        files: { 'schemas/shelves.schema.json': SHELF_SCHEMA },
      },
    });
    fs.writeFileSync(path.join(root, 'extensions/good/src/good/__init__.py'), GOOD.replace('"sox"', '"sox=14.4.3"'));
    federate({ workspaceRoot: root });
    expect(failureOf(() => mergePython(root), root)).toBe(
      'extensions/good/src/good/__init__.py:5: error[LYCHD203]: extension good registers "sox=14.4.3" but its [tool.lychd] system-dependencies say "sox=14.4.2" (extensions/good/pyproject.toml) [register(context)]\n' +
        '  hint: ask for the package in one place, or with the same version in both',
    );
  });

  it('validates registered runes like rune files, at the line that registered them', () => {
    const root = workspace({
      good: {
        hook: GOOD.replace('"name": "tts"', '"name": "Bad Name"').replace(
          '"provider": "elevenlabs"',
          '"provider": "elevenlabs", "api_key": "sk-x"',
        ),
        files: { 'schemas/shelves.schema.json': SHELF_SCHEMA },
      },
    });
    federate({ workspaceRoot: root });
    const r = loadCodex({
      codexDir: path.join(root, 'codex'),
      extensionsDir: path.join(root, 'extensions'),
      federation: federationInput(root, path.join(root, 'extensions')),
    });
    expect(r.codex).toBeUndefined();
    expect(r.diagnostics.map((d) => renderDiagnostic(d, root).split('\n')[0])).toEqual([
      'extensions/good/src/good/__init__.py:7:1: error[LYCHD103]: registered rune: unknown field "api_key" [api_key]',
      'extensions/good/src/good/__init__.py:7:1: error[LYCHD105]: registered rune: "name" must be 1-50 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit [name]',
    ]);
  });

  it('reports a hook that raises, with the extension and the last frame of the traceback in it', () => {
    const hook =
      'def helper(context):\n    raise ValueError("no model folder configured")\n\n\ndef register(context):\n    context.add_capability("x.y")\n    helper(context)\n';
    const root = workspace({ raiser: { hook } });
    expect(failureOf(() => runHooks({ workspaceRoot: root }), root)).toBe(
      'extensions/raiser/src/raiser/__init__.py:2: error[LYCHD201]: extension raiser: register() raised ValueError: no model folder configured\n' +
        '  why: the last frame of the traceback in the extension is helper()\n' +
        '  hint: fix the hook; nothing was registered for any extension',
    );
    expect(fs.existsSync(path.join(root, 'forge/federation.json'))).toBe(false);
  });

  it('stops a hook that hangs, and reports invalid registrations of the others, all at once', () => {
    const root = workspace({
      hanger: { hook: 'import time\n\n\ndef register(context):\n    time.sleep(60)\n' },
      invalid: {
        hook: 'def register(context):\n    context.add_system_dependency("curl; rm -rf /")\n    context.add_capability("Not A Capability")\n',
      },
    });
    expect(failureOf(() => runHooks({ workspaceRoot: root, timeoutMs: 2000 }), root)).toBe(
      'extensions/hanger/pyproject.toml: error[LYCHD201]: extension hanger: register() did not return within 2 s and was stopped\n' +
        '  hint: a hook only declares what the extension needs: it must not wait, loop or reach the network\n' +
        'extensions/invalid/src/invalid/__init__.py:2: error[LYCHD202]: extension invalid: "curl; rm -rf /" is not a Debian package name\n' +
        '  hint: pass a Debian package name, optionally "=version", e.g. "sox"\n' +
        'extensions/invalid/src/invalid/__init__.py:3: error[LYCHD202]: extension invalid: "Not A Capability" is not a capability name\n' +
        '  hint: use dotted lowercase words, e.g. "speech.transcribe"',
    );
  });

  it("validates a rune against an extension schema's catastrophic pattern at once", () => {
    const schema = JSON.stringify({ type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } });
    const root = workspace({ good: { hook: GOOD, files: { 'schemas/shelves.schema.json': schema } } });
    federate({ workspaceRoot: root });
    write(root, { 'codex/runes/good/shelves/attic.toml': `name = "${'a'.repeat(40)}!"\n` });
    const started = Date.now();
    const r = loadCodex({
      codexDir: path.join(root, 'codex'),
      extensionsDir: path.join(root, 'extensions'),
      federation: federationInput(root, path.join(root, 'extensions')),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.diagnostics.map((d) => renderDiagnostic(d, root))).toEqual([
      'codex/runes/good/shelves/attic.toml:1:8: error[LYCHD105]: "name" must match pattern "^(a+)+$" [name]',
    ]);
  });

  it('runs the hooks with a scrubbed environment: no token of the caller reaches them', () => {
    const hook =
      'import os\n\n\ndef register(context):\n    for name in sorted(os.environ):\n        if name.startswith("LYCHD_TEST_"):\n            context.add_capability("leaked." + name.lower().replace("_", "-"))\n';
    const root = workspace({ snoop: { hook } });
    process.env['LYCHD_TEST_TOKEN'] = 'secret';
    try {
      expect(runHooks({ workspaceRoot: root }).extensions['snoop']).toEqual(emptyRegistrations());
    } finally {
      delete process.env['LYCHD_TEST_TOKEN'];
    }
  });
});

/** Whether any process on the host has `marker` in its command line. */
function running(marker: string): boolean {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

describe.skipIf(noUv || noBwrap)('the register hooks, in their sandbox', () => {
  const token = () => randomBytes(6).toString('hex');

  it('tears down every process a hook started, even one in a new session', async () => {
    const marker = `lychd-detached-${token()}`;
    const late = path.join(os.tmpdir(), marker);
    const hook = `import subprocess
import sys


def register(context):
    code = "import time; time.sleep(2); open('${late}', 'w').write('late')  # ${marker}"
    subprocess.Popen([sys.executable, "-c", code], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context.add_capability("detach.started")
`;
    const root = workspace({ detacher: { hook } });
    expect(runHooks({ workspaceRoot: root }).extensions['detacher']?.capabilities.map((c) => c.value)).toEqual(['detach.started']);
    expect(running(marker)).toBe(false);
    await new Promise((r) => setTimeout(r, 2500));
    expect(fs.existsSync(late)).toBe(false);
  });

  it('gives a hook a private /tmp and a read-only workspace: nothing it writes reaches the host', () => {
    const outside = path.join(os.tmpdir(), `lychd-hook-outside-${token()}`);
    const hook = `from pathlib import Path


def register(context):
    Path(${JSON.stringify(outside)}).write_text("scratch is private")
    Path(__file__).with_name("written.txt").write_text("into the workspace")
`;
    const root = workspace({ writer: { hook } });
    const inside = path.join(fs.realpathSync(root), 'extensions/writer/src/writer/written.txt');
    expect(failureOf(() => runHooks({ workspaceRoot: root }), root)).toBe(
      `extensions/writer/src/writer/__init__.py:6: error[LYCHD201]: extension writer: register() raised OSError: [Errno 30] Read-only file system: '${inside}'\n` +
        '  why: the last frame of the traceback in the extension is register()\n' +
        '  hint: fix the hook; nothing was registered for any extension',
    );
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.existsSync(inside)).toBe(false);
  });

  it('gives a hook no network, not even the host loopback', async () => {
    const server = net.createServer();
    let connections = 0;
    server.on('connection', (c) => (connections++, c.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const hook = `import socket


def register(context):
    socket.create_connection(("127.0.0.1", ${port}), timeout=5).close()
`;
    try {
      const root = workspace({ caller: { hook } });
      expect(failureOf(() => runHooks({ workspaceRoot: root }), root)).toBe(
        'extensions/caller/src/caller/__init__.py:5: error[LYCHD201]: extension caller: register() raised ConnectionRefusedError: [Errno 111] Connection refused\n' +
          '  why: the last frame of the traceback in the extension is register()\n' +
          '  hint: fix the hook; nothing was registered for any extension',
      );
      await new Promise((r) => setTimeout(r, 100));
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('stops a hook that prints more than the limit, naming the limit and the extension', () => {
    const hook = 'import sys\n\n\ndef register(context):\n    sys.stdout.write("x" * 100_000_000)\n';
    const root = workspace({ loud: { hook } });
    expect(failureOf(() => runHooks({ workspaceRoot: root }), root)).toBe(
      'extensions/loud/pyproject.toml: error[LYCHD201]: extension loud: register() printed more than 4 MiB and was stopped\n' +
        '  hint: a hook reports through its context; it must not print (the limit is per stream)',
    );
  });

  it("keeps a proxy's credentials and made-up LC_ variables from the hooks", () => {
    const hook = `import os


def register(context):
    for name, value in sorted(os.environ.items()):
        if "PROXY" in name.upper() or name.startswith("LC_"):
            context.add_capability("seen." + name.lower().replace("_", "-"))
        if "secret" in value:
            context.add_capability("leaked." + name.lower().replace("_", "-"))
`;
    const root = workspace({ snoop: { hook } });
    const saved = { ...process.env };
    Object.assign(process.env, { HTTPS_PROXY: 'http://user:secret@proxy.invalid:3128', LC_TIME: 'C.UTF-8', LC_SMUGGLED: 'secret' });
    try {
      expect(runHooks({ workspaceRoot: root }).extensions['snoop']?.capabilities.map((c) => c.value)).toEqual([
        'seen.https-proxy',
        'seen.lc-time',
      ]);
    } finally {
      for (const name of ['HTTPS_PROXY', 'LC_TIME', 'LC_SMUGGLED']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});

describe('where the hooks cannot be sandboxed', () => {
  const python = process.execPath; // any program: the launcher is refused before it runs one

  it('refuses, saying what is missing and how to install it or opt out', () => {
    const empty = tempDir('lychd-nobwrap-');
    try {
      hookLauncher({ workspaceRoot: empty, python, env: { PATH: empty } }, () => undefined);
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(ForgeError);
      expect((e as ForgeError).diagnostics.map((d) => renderDiagnostic(d, empty))).toEqual([
        "error[LYCHD205]: the extensions' register hooks run in a sandbox, and bubblewrap (bwrap) is not installed\n" +
          `  hint: install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap), or, only for extensions you trust, set ${UNSANDBOXED_VARIABLE}=1 to run the hooks unconfined`,
      ]);
    }
  });

  it('runs them unconfined only when asked, with a warning', () => {
    const warnings: string[] = [];
    const launcher = hookLauncher({ workspaceRoot: REPO, python, env: { PATH: '', [UNSANDBOXED_VARIABLE]: '1' } }, (m) => warnings.push(m));
    expect(launcher.sandboxed).toBe(false);
    expect(launcher.command(python, ['-v'], REPO)).toEqual({ file: python, args: ['-v'] });
    expect(warnings).toEqual([
      `${UNSANDBOXED_VARIABLE}=1: the extensions' register hooks run WITHOUT a sandbox: they can read and write what you can, reach the network and leave processes running`,
    ]);
  });
});

const NEEDS = `from lychd_core import RendersAs, RuneDefinition


def register(context):
    context.add_environment("ALPHA_MODE", "fast 100%")
    context.add_volume("/srv/alpha", "/var/lib/alpha", read_only=True)
    context.add_volume("alpha-cache", "/var/cache/alpha", read_only=False)
    context.add_device("/dev/snd")
    context.add_port(8450)
    context.add_secret("alpha_token", variable="ALPHA_TOKEN_FILE")
    context.add_rune(RuneDefinition(anchor="animator/soulstones/generic", fields={
        "name": "alpha-gpu", "image": "docker.io/library/alpha:1", "port": 8460, "gpu": True, "groups": ["alpha"],
    }))
    context.add_anchor("alpha/shelves", schema="schemas/shelves.schema.json", renders_as=RendersAs(
        family="animator/soulstones/generic",
        defaults={"image": "docker.io/library/shelf:1", "port": 8470, "gpu": False, "groups": ["alpha"]},
        env={"SHELF_SIZE": "size"},
    ))
`;

function loadWithHooks(root: string) {
  return loadCodex({
    codexDir: path.join(root, 'codex'),
    extensionsDir: path.join(root, 'extensions'),
    federation: federationInput(root, path.join(root, 'extensions')),
  });
}

describe.skipIf(noUv || noBwrap)('what hooks register for the Vessel and as soulstones, through the locked environment', () => {
  it('records each need with its line, and renders it into the Vessel, the pod and the soulstones the generator accepts', () => {
    const root = workspace({ alpha: { hook: NEEDS, files: { 'schemas/shelves.schema.json': SHELF_SCHEMA } } });
    const { registry } = federate({ workspaceRoot: root });
    expect(describeRegistry(registry).filter((l) => / Vessel |anchor/.test(l))).toEqual([
      'alpha: anchor runes/alpha/shelves/ with schema extensions/alpha/schemas/shelves.schema.json, rendered as runes/animator/soulstones/generic/ (extensions/alpha/src/alpha/__init__.py:14)',
      'alpha: Vessel variable ALPHA_MODE (extensions/alpha/src/alpha/__init__.py:5)',
      'alpha: Vessel volume /srv/alpha at /var/lib/alpha (read-only) (extensions/alpha/src/alpha/__init__.py:6)',
      'alpha: Vessel volume alpha-cache at /var/cache/alpha (read-write) (extensions/alpha/src/alpha/__init__.py:7)',
      'alpha: Vessel device /dev/snd (extensions/alpha/src/alpha/__init__.py:8)',
      'alpha: Vessel port 8450 (extensions/alpha/src/alpha/__init__.py:9)',
      'alpha: Vessel secret alpha_token in ALPHA_TOKEN_FILE (extensions/alpha/src/alpha/__init__.py:10)',
    ]);
    write(root, { 'codex/runes/alpha/shelves/attic.toml': 'name = "attic"\nsize = 3\n' });
    const r = loadWithHooks(root);
    expect(r.diagnostics.map((d) => renderDiagnostic(d, root))).toEqual([]);
    const files = renderGeneration(r.codex!);
    const vessel = files.get('vessel.container')!;
    for (const line of [
      'AddDevice=/dev/snd',
      'Volume=/srv/alpha:/var/lib/alpha:ro',
      'Volume=alpha-cache:/var/cache/alpha',
      'Secret=alpha_token,type=mount,target=/run/secrets/alpha_token',
      // systemd would read "%" as a specifier: doubled, and the value quoted for its space.
      'Environment="ALPHA_MODE=fast 100%%"',
      'Environment=ALPHA_TOKEN_FILE=/run/secrets/alpha_token',
    ])
      expect(vessel.split('\n')).toContain(line);
    expect(files.get('lychd.pod')!.split('\n')).toContain('PublishPort=127.0.0.1:8450:8450');
    // The registered soulstone and the extension family's rune are units, rendered by the federated aggregate.
    expect(files.get('soulstone-alpha-gpu.container')).toContain('Image=docker.io/library/alpha:1');
    expect(files.get('soulstone-attic.container')!.split('\n')).toContain('Environment=SHELF_SIZE=3');
    expect([...renderFederatedSoulstones(r.codex!).keys()]).toEqual(['soulstone-alpha-gpu.container', 'soulstone-attic.container']);
    if (!noQuadlet) {
      const dry = dryRunQuadlets(installed(files));
      expect(dry.errors).toEqual([]);
      expect(dry.status).toBe(0);
    }
  });

  it('refuses a device path with "..", a port out of range and a variable name that is not one, at their lines', () => {
    const hook =
      'def register(context):\n    context.add_device("/dev/../etc/shadow")\n    context.add_port(70000)\n    context.add_environment("BAD NAME", "x")\n    context.add_volume("/srv/a", "relative/b")\n    context.add_device("/etc/passwd")\n';
    const root = workspace({ hostile: { hook } });
    expect(failureOf(() => runHooks({ workspaceRoot: root }), root)).toBe(
      'extensions/hostile/src/hostile/__init__.py:2: error[LYCHD202]: extension hostile: device "/dev/../etc/shadow" has a "." or ".." part\n' +
        '  hint: pass the host device\'s absolute path under /dev, e.g. "/dev/snd"\n' +
        'extensions/hostile/src/hostile/__init__.py:3: error[LYCHD202]: extension hostile: port 70000 is not a whole number between 1 and 65535\n' +
        '  hint: pass the port as an int, e.g. 8450\n' +
        'extensions/hostile/src/hostile/__init__.py:4: error[LYCHD202]: extension hostile: "BAD NAME" is not a variable name\n' +
        '  hint: use letters, digits and "_", not starting with a digit, e.g. "ORACLE_VOICE"\n' +
        'extensions/hostile/src/hostile/__init__.py:5: error[LYCHD202]: extension hostile: volume target "relative/b" is not an absolute path\n' +
        '  hint: add_volume("<volume name or /host/folder>", "/folder/in/vessel", read_only=True)\n' +
        'extensions/hostile/src/hostile/__init__.py:6: error[LYCHD202]: extension hostile: device "/etc/passwd" is not under /dev\n' +
        '  hint: pass the host device\'s absolute path under /dev, e.g. "/dev/snd"',
    );
  });

  it('names both extensions of a clash, a port another rune holds, and a GPU soulstone in no coven', () => {
    const root = workspace({
      alpha: { hook: 'def register(context):\n    context.add_environment("SHARED_MODE", "a")\n    context.add_port(8450)\n' },
      beta: {
        hook:
          'from lychd_core import RuneDefinition\n\n\ndef register(context):\n    context.add_environment("SHARED_MODE", "b")\n    context.add_port(8450)\n    context.add_port(8460)\n' +
          '    context.add_rune(RuneDefinition(anchor="animator/soulstones/generic", fields={"name": "lonely", "image": "docker.io/library/x:1", "port": 8460, "gpu": True}))\n' +
          '    context.add_secret("tok", variable="LYCHD_PORT")\n',
      },
    });
    federate({ workspaceRoot: root });
    const r = loadWithHooks(root);
    expect(r.codex).toBeUndefined();
    expect(r.diagnostics.map((d) => renderDiagnostic(d, root).split('\n')[0])).toEqual([
      'extensions/beta/src/beta/__init__.py:5:1: error[LYCHD203]: extension beta: variable SHARED_MODE is also set by extension alpha (extensions/alpha/src/alpha/__init__.py:2)',
      'extensions/beta/src/beta/__init__.py:6:1: error[LYCHD203]: extension beta: port 8450 is also used by extension alpha (extensions/alpha/src/alpha/__init__.py:3)',
      'extensions/beta/src/beta/__init__.py:7:1: error[LYCHD203]: extension beta: port 8460 is also used by soulstone lonely (animator/soulstones/generic/lonely)',
      'extensions/beta/src/beta/__init__.py:8:1: error[LYCHD109]: GPU soulstone "lonely" belongs to no coven, so nothing keeps it off a GPU that another coven holds [groups]',
      'extensions/beta/src/beta/__init__.py:9:1: error[LYCHD203]: extension beta: variable LYCHD_PORT is also set by the Forge (scribe/core.ts)',
    ]);
  });
});
