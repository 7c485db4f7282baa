import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleManifest, type SynthesisManifest } from '../../tools/src/synthesis';
import { checkFlake, FLAKE_INPUTS, renderFlake, writeFlake } from '../../tools/src/image/sovereign';
import { nixString } from '../../tools/src/image/sovereign/nix-syntax';
import { runFlake } from '../../tools/src/cli/flake';
import { WORKSPACE } from '../support/codex-fixture';
import { printed } from '../support/run';
import { driftText } from '../../tools/src/report';
import { skipWithout } from '../toolchain/tool-gate';
import { copyExample, nixEval, nixExpr, nixLock } from './nix-eval';

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const example = () => {
  const root = copyExample();
  made.push(root);
  return root;
};
const readManifest = (root: string) =>
  JSON.parse(fs.readFileSync(path.join(root, 'forge/synthesis.lock.json'), 'utf8')) as SynthesisManifest;

describe('flake.nix rendering', () => {
  it('renders the committed flake.nix of the example exactly (golden file; reviewed by reading)', () => {
    const r = renderFlake({ workspaceRoot: WORKSPACE });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.content).toBe(fs.readFileSync(path.join(WORKSPACE, 'flake.nix'), 'utf8'));
  });

  it('pins every input to a full revision and takes its data from the manifest', () => {
    const r = renderFlake({ workspaceRoot: WORKSPACE });
    if (!r.ok) throw new Error('render failed');
    for (const input of FLAKE_INPUTS) {
      expect(input.rev).toMatch(/^[0-9a-f]{40}$/);
      expect(r.content).toContain(`url = "github:${input.owner}/${input.repo}/${input.rev}";`);
    }
    expect(r.model.sources.map((s) => s.path)).toEqual(readManifest(WORKSPACE).components.map((c) => c.path));
    // The versions are the committed Debian lock's, the Mundane image's exact packages.
    expect(r.model.systemPackages).toEqual([
      { attr: 'ffmpeg', debian: ['ffmpeg'], locked: [expect.stringMatching(/^ffmpeg=7:5\.1\./)] },
      { attr: 'sox', debian: ['sox'], locked: [expect.stringMatching(/^sox=14\.4\./)] },
      {
        attr: 'tesseract',
        debian: ['tesseract-ocr', 'tesseract-ocr-eng'],
        locked: [expect.stringMatching(/^tesseract-ocr=5\./), expect.stringMatching(/^tesseract-ocr-eng=1:4\./)],
      },
    ]);
    expect(r.content).toMatch(/pkgs\.ffmpeg # ffmpeg \(Debian lock: ffmpeg=7:5\.1\.[^)]*\)\n/);
  });

  it('reads the Debian lock when there is one: none is fine, one of other packages is refused with the re-lock command', () => {
    const root = example();
    const lockFile = path.join(root, 'forge/synthesis/debian.lock.json');
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    fs.rmSync(lockFile);
    const none = renderFlake({ workspaceRoot: root });
    if (!none.ok) throw new Error(JSON.stringify(none.diagnostics));
    expect(none.model.systemPackages.map((p) => p.locked)).toEqual([[], [], []]);
    expect(none.content).toContain('pkgs.ffmpeg # ffmpeg\n');

    fs.writeFileSync(lockFile, JSON.stringify({ ...lock, requested: ['ffmpeg'] }));
    const stale = renderFlake({ workspaceRoot: root });
    expect(stale.ok ? [] : stale.diagnostics.map((d) => [d.file, d.field, d.message, d.hint])).toEqual([
      [
        lockFile,
        'requested',
        `locks ["ffmpeg"] but the Synthesis Manifest asks for ${JSON.stringify(lock.requested)}`,
        expect.stringContaining('`lychd-forge debian-lock`'),
      ],
    ]);

    // A lock of the first format is named as that, not as a lock of other packages: its reader's refusal.
    fs.writeFileSync(lockFile, JSON.stringify({ ...lock, formatVersion: 1 }));
    const old = renderFlake({ workspaceRoot: root });
    expect(old.ok ? [] : old.diagnostics.map((d) => [d.code, d.field, d.message, d.hint])).toEqual([
      [
        'LYCHD804',
        'formatVersion',
        'is format 1, written by an older Forge; this one reads format 2',
        expect.stringContaining('`npx lychd-forge debian-lock`'),
      ],
    ]);

    const i = lock.packages.findIndex((p: { name: string }) => p.name === 'sox');
    lock.packages[i].version = '1.0\n# injected';
    fs.writeFileSync(lockFile, JSON.stringify(lock));
    const injected = renderFlake({ workspaceRoot: root });
    expect(injected.ok ? [] : injected.diagnostics.map((d) => [d.code, d.field, d.message])).toEqual([
      ['LYCHD804', `packages[${i}].version`, 'must be a Debian version'],
    ]);
  });

  it('is byte-identical from another folder and another copy', () => {
    const root = example();
    const a = renderFlake({ workspaceRoot: root });
    const b = renderFlake({ workspaceRoot: WORKSPACE });
    expect(a.ok && b.ok && a.content === b.content).toBe(true);
  });

  it('reports every unmapped system package at the extension entry that asks for it, writing nothing', () => {
    const root = example();
    const manifestFile = path.join(root, 'forge/synthesis.lock.json');
    const manifest = readManifest(root);
    manifest.system.push({ name: 'libfrobnicate1', spec: 'libfrobnicate1', requestedBy: ['oracle'] });
    manifest.system.push({ name: 'zzz-tool', spec: 'zzz-tool', requestedBy: ['scriptorium'] });
    // A name that an object-keyed table would find on Object.prototype.
    manifest.system.push({ name: 'constructor', spec: 'constructor', requestedBy: ['scriptorium'] });
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    // No Debian lock (the Sovereign path builds without one): only the mapping speaks.
    fs.rmSync(path.join(root, 'forge/synthesis/debian.lock.json'));
    fs.writeFileSync(
      path.join(root, 'extensions/oracle/pyproject.toml'),
      fs
        .readFileSync(path.join(root, 'extensions/oracle/pyproject.toml'), 'utf8')
        .replace('system-dependencies = [', 'system-dependencies = [\n    "libfrobnicate1",'),
    );
    fs.rmSync(path.join(root, 'flake.nix'));
    const r = writeFlake({ workspaceRoot: root });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => d.message.match(/Debian package "([^"]+)"/)?.[1])).toEqual([
      'libfrobnicate1',
      'zzz-tool',
      'constructor',
    ]);
    const [oracle, scriptorium] = r.diagnostics;
    expect(oracle).toMatchObject({
      severity: 'error',
      file: path.join(root, 'extensions/oracle/pyproject.toml'),
      field: 'tool.lychd.system-dependencies',
    });
    expect(oracle!.message).toContain('extension oracle needs the Debian package "libfrobnicate1"');
    expect(oracle!.hint).toContain('[forge.nix.packages] "libfrobnicate1" = "<nixpkgs attribute>"');
    const lines = fs.readFileSync(oracle!.file, 'utf8').split('\n');
    expect(lines[oracle!.line - 1]!.slice(oracle!.column - 1)).toMatch(/^"libfrobnicate1"/);
    expect(scriptorium!.message).toContain('extension scriptorium needs the Debian package "zzz-tool"');
    expect(fs.existsSync(path.join(root, 'flake.nix'))).toBe(false);
  });

  it('refuses a hand-edited manifest whose values would reach flake.nix unchecked', () => {
    const root = example();
    const manifest = readManifest(root);
    manifest.components[1]!.path = '../../etc';
    manifest.system[0]!.name = 'ffmpeg\n}; evil = 1; #';
    fs.writeFileSync(path.join(root, 'forge/synthesis.lock.json'), JSON.stringify(manifest));
    const r = renderFlake({ workspaceRoot: root });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => [d.file, d.field, d.message])).toEqual([
      [
        path.join(root, 'forge/synthesis.lock.json'),
        'components[1].path',
        expect.stringContaining('must be a plain path inside the workspace'),
      ],
      [path.join(root, 'forge/synthesis.lock.json'), 'system[0].name', 'must be a Debian package name'],
    ]);
    expect(r.diagnostics[0]!.hint).toContain('lychd-forge synthesize');

    // The manifest's reader refuses paths that leave the workspace; flake.nix then refuses a
    // plain path that is no component's Tailwind config.
    const tailwind = readManifest(example());
    tailwind.tailwind.sources[1] = 'extensions/oracle/../../../tailwind.config.js';
    tailwind.tailwind.config = '/etc/tailwind.config.js';
    const root2 = example();
    fs.writeFileSync(path.join(root2, 'forge/synthesis.lock.json'), JSON.stringify(tailwind));
    const t = renderFlake({ workspaceRoot: root2 });
    expect(t.ok ? [] : t.diagnostics.map((d) => [d.field, d.message])).toEqual([
      ['tailwind.config', expect.stringContaining('must be a plain path inside the workspace')],
      ['tailwind.sources[1]', expect.stringContaining('must be a plain path inside the workspace')],
    ]);
    const stray = readManifest(example());
    stray.tailwind.sources.push('forge/tailwind.config.js');
    const root3 = example();
    fs.writeFileSync(path.join(root3, 'forge/synthesis.lock.json'), JSON.stringify(stray));
    const s = renderFlake({ workspaceRoot: root3 });
    expect(s.ok ? [] : s.diagnostics.map((d) => d.message)).toEqual([
      'tailwind: "forge/tailwind.config.js" is not the Tailwind config of a component',
    ]);
  });

  it("refuses to replace a component's own file with the built CSS", () => {
    const root = example();
    fs.mkdirSync(path.join(root, 'extensions/oracle/static'));
    fs.writeFileSync(path.join(root, 'extensions/oracle/static/tailwind.css'), '.mine {}\n');
    const r = renderFlake({ workspaceRoot: root });
    expect(r.ok ? [] : r.diagnostics.map((d) => [d.file, d.message])).toEqual([
      [path.join(root, 'extensions/oracle/static/tailwind.css'), 'is where the Forge puts the CSS built from the merged Tailwind config'],
    ]);
  });

  it('refuses Tailwind configs whose npm lock has no tailwindcss 3, saying where to add it', () => {
    const root = example();
    const manifest = readManifest(root);
    manifest.node.packages = manifest.node.packages.filter((p) => p.name !== 'tailwindcss');
    fs.writeFileSync(path.join(root, 'forge/synthesis.lock.json'), JSON.stringify(manifest));
    const r = renderFlake({ workspaceRoot: root });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        file: path.join(root, 'forge/synthesis.lock.json'),
        field: 'node.packages',
        message: expect.stringContaining('but the npm lock has no tailwindcss: the CSS cannot be built'),
        hint: expect.stringContaining(
          'add "tailwindcss": "^3.4.17" to the devDependencies of extensions/atelier/package.json or extensions/oracle/package.json',
        ),
      }),
    ]);
  });

  it('takes a mapping from [forge.nix.packages], which also overrides the Forge table', () => {
    const root = example();
    const scroll = path.join(root, 'codex/lychd.toml');
    fs.appendFileSync(scroll, '\n[forge.nix.packages]\n"tesseract-ocr-eng" = "tesseract5"\n');
    const r = renderFlake({ workspaceRoot: root });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.model.systemPackages.map(({ attr, debian }) => ({ attr, debian }))).toEqual([
      { attr: 'ffmpeg', debian: ['ffmpeg'] },
      { attr: 'sox', debian: ['sox'] },
      { attr: 'tesseract', debian: ['tesseract-ocr'] },
      { attr: 'tesseract5', debian: ['tesseract-ocr-eng'] },
    ]);
  });

  it('rejects a nixpkgs attribute that is not a plain attribute path, at its line and column', () => {
    const root = example();
    fs.appendFileSync(path.join(root, 'codex/lychd.toml'), '\n[forge.nix.packages]\nffmpeg = "ffmpeg; ${builtins.exec}"\n');
    const r = renderFlake({ workspaceRoot: root });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', field: 'forge.nix.packages.ffmpeg' });
    expect(r.diagnostics[0]!.message).toContain('nixpkgs attribute path');
  });

  it('lychd-forge flake: writes, then finds it current; problems go to stderr as file:line:col', () => {
    const root = example();
    const paths = { workspaceRoot: root, codexDir: path.join(root, 'codex'), extensionsDir: path.join(root, 'extensions') };
    const run = (check: boolean) => {
      const r = printed(runFlake(paths, check));
      return { status: r.status, out: r.stdout, err: r.stderr };
    };
    fs.rmSync(path.join(root, 'flake.nix'));
    let r = run(true);
    expect(r.status).toBe(1);
    expect(r.err).toContain('flake.nix is missing; run `npx lychd-forge flake`');
    r = run(false);
    expect(r.status).toBe(0);
    expect(r.out).toBe('wrote flake.nix\n');
    expect(fs.readFileSync(path.join(root, 'flake.nix'), 'utf8')).toBe(fs.readFileSync(path.join(WORKSPACE, 'flake.nix'), 'utf8'));
    expect(run(true).status).toBe(0);

    fs.appendFileSync(path.join(root, 'codex/lychd.toml'), '\n[forge.nix]\npackages = { "Not A Name" = "x" }\n');
    r = run(false);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(
      /codex\/lychd\.toml:\d+:\d+: error\[LYCHD\d+\]: .*Debian package name.*\nflake\.nix: 1 error\(s\), 0 warning\(s\); nothing was written\.\n$/,
    );
  });

  it('--check: a stale flake.nix is reported with a diff', () => {
    const root = example();
    expect(checkFlake({ workspaceRoot: root })).toEqual({ ok: true, drift: [] });
    fs.writeFileSync(
      path.join(root, 'flake.nix'),
      fs.readFileSync(path.join(root, 'flake.nix'), 'utf8').replace('maxLayers = 100', 'maxLayers = 7'),
    );
    const r = checkFlake({ workspaceRoot: root });
    expect(r.ok).toBe(false);
    const report = 'drift' in r ? driftText(r.drift) : '';
    expect(report).toContain('flake.nix differs from what forge/synthesis.lock.json and the Prime Scroll produce');
    expect(report).toMatch(/^- +maxLayers = 7;$/m);
    expect(report).toMatch(/^\+ +maxLayers = 100;$/m);
  });
});

describe.skipIf(skipWithout('nix'))('flake.nix under the real Nix evaluator, against the stand-ins', () => {
  it('escapes any string so that Nix reads back exactly that string', () => {
    const nasty = ['a"b', 'back\\slash', '${builtins.currentSystem}', '$${x}', 'line\nbreak\ttab\r', "it's ''"];
    expect(nixExpr(`[ ${nasty.map(nixString).join(' ')} ]`)).toEqual(nasty);
  });

  it('describes the image the example would build: the Seal, the contents, the locked package sets', () => {
    const root = example();
    const manifest = readManifest(root);
    const d = nixEval(
      root,
      'packages.x86_64-linux',
      `p: {
        image = removeAttrs p.image.args [ "contents" ] // { contents = map (c: c.name) p.image.args.contents; };
        app = (builtins.elemAt p.image.args.contents 0).script;
        user = { inherit (builtins.elemAt p.image.args.contents 1) extraPasswdLines extraGroupLines; };
        default = p.default.name;
        venv = { inherit (p.venv) name python buildSystems requested packages; path = p.venv.outPath; };
        nodeModules = { inherit (p.node-modules) nodejs packages; path = p.node-modules.outPath; };
        tailwindCss = { inherit (p.tailwind-css) name script; tools = p.tailwind-css.env.nativeBuildInputs; path = p.tailwind-css.outPath; };
      }`,
    ) as {
      image: Record<string, unknown> & { config: Record<string, unknown>; contents: string[] };
      app: string;
      user: { extraPasswdLines: string[]; extraGroupLines: string[] };
      default: string;
      venv: {
        name: string;
        path: string;
        python: string;
        buildSystems: string;
        requested: Record<string, string[]>;
        packages: Array<{ name: string; version: string; sourcePreference: string; wheels: number }>;
      };
      nodeModules: {
        path: string;
        nodejs: string;
        packages: Array<{ path: string; version: string; resolved: string; integrity: string }>;
      };
      tailwindCss: { name: string; script: string; tools: string[]; path: string };
    };
    const digest = `sha256:${createHash('sha256')
      .update(fs.readFileSync(path.join(root, 'forge/synthesis.lock.json')))
      .digest('hex')}`;

    // The Seal, as the Mundane image has it.
    expect(d.image).toMatchObject({ name: 'lychd', created: '1970-01-01T00:00:00Z', mtime: '1970-01-01T00:00:00Z', maxLayers: 100 });
    expect(d.image.config).toEqual({
      User: '10001:10001',
      WorkingDir: '/app',
      Entrypoint: ['/app/.venv/bin/lychd'],
      Cmd: ['--serve'],
      Env: ['PYTHONDONTWRITEBYTECODE=1', 'PATH=/app/.venv/bin:/bin', 'LYCHD_PORT=8000'],
      ExposedPorts: { '8000/tcp': {} },
      Labels: { 'org.lychd.synthesis': digest },
    });
    expect(d.user.extraPasswdLines).toEqual(['lychd:x:10001:10001:LychD:/var/empty:/bin/false']);
    expect(d.default).toBe('stream-lychd');

    // Layers: the app (venv, node_modules, sources), the user, and the mapped system packages.
    expect(d.image.contents).toEqual(['lychd-app', 'fake-nss', 'ffmpeg', 'sox', 'tesseract']);
    expect(d.app).toContain(`ln -s ${d.venv.path} $out/app/.venv`);
    expect(d.app).toContain(`ln -s ${d.nodeModules.path}/node_modules $out/app/node_modules`);
    for (const c of manifest.components) expect(d.app).toMatch(new RegExp(`cp -r /nix/store/[^ ]+ "\\$out/app/"'${c.path}'`));

    // Python: uv2nix loaded the synthesized workspace; the venv is exactly the manifest's package set.
    expect(d.venv).toMatchObject({ name: 'lychd-env', python: 'python3-3.11', buildSystems: 'wheel' });
    expect(Object.keys(d.venv.requested).sort()).toEqual(manifest.components.map((c) => c.pythonProject).sort());
    const venvSet = d.venv.packages.map((p) => `${p.name}==${p.version}`).sort();
    expect(venvSet).toEqual(manifest.python.packages.map((p) => `${p.name}==${p.version}`).sort());
    expect(new Set(d.venv.packages.map((p) => p.sourcePreference))).toEqual(new Set(['wheel']));
    for (const p of manifest.python.packages.filter((p) => p.source['registry']))
      expect(d.venv.packages.find((v) => v.name === p.name)!.wheels).toBe(p.artifacts.filter((a) => a.kind === 'wheel').length);

    // Tailwind: the merged config, built with the lock's tailwindcss and Node against the components laid
    // out as in the workspace, and the CSS beside each extension whose config asked for it.
    const css = d.tailwindCss;
    expect(css.name).toBe('lychd-tailwind.css');
    expect(css.tools).toEqual([expect.stringMatching(/-nodejs-22$/)]);
    expect(css.script).toContain(`ln -s ${d.nodeModules.path}/node_modules node_modules\n`);
    expect(css.script).toMatch(/\ncp \/nix\/store\/[^ ]+-tailwind\.config\.js 'forge\/synthesis\/tailwind\/tailwind\.config\.js'\n/);
    for (const c of manifest.components) expect(css.script).toMatch(new RegExp(`cp -r --no-preserve=mode /nix/store/[^ ]+ '${c.path}'\n`));
    expect(css.script.trimEnd().split('\n').pop()).toBe(
      "node 'node_modules/tailwindcss/lib/cli.js' --config 'forge/synthesis/tailwind/tailwind.config.js' --output $out",
    );
    expect(manifest.node.packages.find((p) => p.name === 'tailwindcss')?.version).toMatch(/^3\./);
    const shipped = [...d.app.matchAll(/install -D -m 444 (\S+) "\$out\/app\/"'([^']+)'/g)].map((m) => [m[1], m[2]]);
    expect(shipped).toEqual(manifest.tailwind.sources.map((s) => [css.path, `${path.posix.dirname(s)}/static/tailwind.css`]));
    // After the sources are copied, into the tree copied from the store.
    expect(d.app.indexOf('install -D')).toBeGreaterThan(d.app.lastIndexOf('cp -r '));

    // Node: the npm lock reached the builder with every integrity hash the manifest records.
    expect(d.nodeModules.nodejs).toBe('nodejs-22');
    expect(d.nodeModules.packages.map(({ path, version, resolved, integrity }) => ({ path, version, resolved, integrity }))).toEqual(
      manifest.node.packages.map(({ path, version, resolved, integrity }) => ({ path, version, resolved, integrity })),
    );
  });

  it('reports each Debian package with the version nixpkgs provides, for the image summary', () => {
    const root = example();
    const versions = nixEval(root, 'lychd.x86_64-linux.systemPackages', 'v: v') as Record<string, string>;
    expect(Object.keys(versions)).toEqual(readManifest(root).system.map((s) => s.name));
    expect(versions).toEqual({ ffmpeg: '7.1.1', sox: '14.4.2', 'tesseract-ocr': '5.5.1', 'tesseract-ocr-eng': '5.5.1' });
  });

  it('evaluates for every system it declares', () => {
    const root = example();
    expect(nixEval(root, 'packages', 'p: builtins.attrNames p')).toEqual(['aarch64-linux', 'x86_64-linux']);
    expect(nixEval(root, 'packages.aarch64-linux.image', 'i: i.args.config.User')).toBe('10001:10001');
  });

  it('records the flake.lock Nix writes in the manifest, and --check holds it to that record and to the pins', async () => {
    const root = example();
    nixLock(root);
    const lockFile = path.join(root, 'flake.lock');
    expect(fs.existsSync(lockFile)).toBe(true);
    let r = checkFlake({ workspaceRoot: root });
    if (!('drift' in r)) throw new Error('unexpected diagnostics');
    expect(driftText(r.drift)).toContain('flake.lock (sha256:');
    expect(driftText(r.drift)).toContain('is not the one forge/synthesis.lock.json records (none)');
    // Stand-ins are path inputs: no revision, so every pin is reported.
    expect(r.drift.filter((d) => d.reason.includes('locks input'))).toHaveLength(FLAKE_INPUTS.length);

    // A lock at the pinned revisions (what `nix flake lock` writes against GitHub), then recorded.
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as {
      nodes: Record<string, { locked?: Record<string, unknown> }>;
      root: string;
    };
    const rootInputs = (lock.nodes[lock.root] as unknown as { inputs: Record<string, string> }).inputs;
    for (const input of FLAKE_INPUTS)
      lock.nodes[rootInputs[input.name]!]!.locked = {
        type: 'github',
        owner: input.owner,
        repo: input.repo,
        rev: input.rev,
        narHash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      };
    fs.writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
    const tools = readManifest(root).tools;
    await assembleManifest({ workspaceRoot: root, quadletsDir: 'quadlets/generation', tools });
    expect(readManifest(root).nix).toEqual({
      flakeLock: 'flake.lock',
      sha256: `sha256:${createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex')}`,
    });
    // The manifest changed, so the label changes, but flake.nix does not: it hashes the manifest when evaluated.
    r = checkFlake({ workspaceRoot: root });
    expect(r).toEqual({ ok: true, drift: [] });

    fs.appendFileSync(lockFile, '\n');
    r = checkFlake({ workspaceRoot: root });
    expect(r.ok).toBe(false);
  });
});
