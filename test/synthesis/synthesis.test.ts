import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assembleManifest,
  checkSynthesis,
  discoverComponents,
  lockNode,
  lockPython,
  synthesize,
  synthesizeTailwind,
  SynthesisError,
  type SynthesisManifest,
} from '../../tools/src/synthesis';
import { driftText } from '../../tools/src/report';
import { requireTool } from '../../tools/src/toolchain/tools';
import {
  buildPythonIndex,
  snapshotTree,
  startNpmRegistry,
  tempDir,
  write,
  writeExtension,
  writeScroll,
  writeWorkspace,
  type LocalRegistry,
} from './fixtures';

const REPO = path.resolve(__dirname, '../..');
let work: string;
let index: { url: string; sha256: Record<string, string> };
let registry: LocalRegistry;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // Temporary workspaces have no .tools of their own: use the repository's uv.
  process.env['LYCHD_UV'] = requireTool('uv', { workspaceRoot: REPO });
  work = tempDir('e2e');
  index = buildPythonIndex(path.join(work, 'pyindex'), [
    { name: 'tinybase', version: '1.0.0' },
    { name: 'tinybase', version: '1.1.0' },
    { name: 'tinyx', version: '1.0.0', requires: ['tinybase>=1'] },
    { name: 'tinyx', version: '2.0.0', requires: ['tinybase>=1.1'] },
    { name: 'tinyocr', version: '0.3.0' },
  ]);
  registry = await startNpmRegistry(path.join(work, 'npm'), [
    { name: 'tiny-ms', version: '1.0.0' },
    { name: 'tiny-ms', version: '1.2.0' },
    { name: 'tiny-ms', version: '2.0.0' },
    { name: 'tiny-clsx', version: '3.1.0', dependencies: { 'tiny-ms': '^1.0.0' } },
  ]);
  env = {
    UV_DEFAULT_INDEX: index.url,
    UV_OFFLINE: '1',
    UV_CACHE_DIR: path.join(work, 'uv-cache'),
    UV_PYTHON_DOWNLOADS: 'never',
    npm_config_registry: registry.url,
    npm_config_cache: path.join(work, 'npm-cache'),
  };
});

afterAll(() => {
  registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const EXAMPLE = {
  scriptorium: { python: ['tinyocr>=0.3'], system: ['tesseract-ocr'], capabilities: ['document.ocr'] },
  oracle: { python: ['tinyx>=1'], system: ['ffmpeg'], capabilities: ['speech.transcribe'], node: { 'tiny-ms': '^1.0.0' }, tailwind: true },
  atelier: { node: { 'tiny-clsx': '^3.0.0', 'tiny-ms': '^1.2.0' }, tailwind: true, capabilities: ['ui.theme'] },
};

function workspace(name: string, extensions: Record<string, object> = EXAMPLE, active?: string[]): string {
  const root = path.join(work, name);
  writeWorkspace(root, extensions, active);
  return root;
}

function readManifest(root: string): SynthesisManifest {
  return JSON.parse(fs.readFileSync(path.join(root, 'forge/synthesis.lock.json'), 'utf8')) as SynthesisManifest;
}

async function failure(p: Promise<unknown>): Promise<SynthesisError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SynthesisError);
  return error as SynthesisError;
}

describe('synthesis with the real uv and npm', () => {
  it('merges and locks the core and every extension into one manifest', async () => {
    const root = workspace('clean');
    await synthesize({ workspaceRoot: root, env });
    const manifest = readManifest(root);

    expect(manifest.components.map((c) => c.name)).toEqual(['core', 'atelier', 'oracle', 'scriptorium']);
    const py = Object.fromEntries(manifest.python.packages.map((p) => [p.name, p]));
    expect(py['tinyx']?.version).toBe('2.0.0');
    expect(py['tinybase']?.version).toBe('1.1.0');
    expect(py['tinyx']?.artifacts).toEqual([
      expect.objectContaining({ kind: 'wheel', sha256: index.sha256['tinyx-2.0.0-py3-none-any.whl'] }),
    ]);
    expect(py['oracle']?.source).toEqual({ editable: 'extensions/oracle' });
    expect(py['oracle']?.treeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(py['lychd-core']?.source).toEqual({ editable: 'core' });

    const node = Object.fromEntries(manifest.node.packages.map((p) => [p.name, p]));
    expect(node['tiny-ms']).toMatchObject({ version: '1.2.0', integrity: registry.integrity['tiny-ms@1.2.0'] });
    expect(node['tiny-clsx']).toMatchObject({ version: '3.1.0', integrity: registry.integrity['tiny-clsx@3.1.0'] });
    const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'forge/synthesis/node/package.json'), 'utf8'));
    expect(rootPackage.dependencies).toEqual({ 'tiny-clsx': '^3.0.0', 'tiny-ms': '^1.2.0' });

    expect(manifest.system).toEqual([
      { name: 'ffmpeg', spec: 'ffmpeg', requestedBy: ['oracle'] },
      { name: 'tesseract-ocr', spec: 'tesseract-ocr', requestedBy: ['scriptorium'] },
    ]);
    expect(Object.keys(manifest.inputs.files)).toContain('extensions/oracle/pyproject.toml');
    expect(Object.keys(manifest.inputs.files)).toContain('codex/lychd.toml#forge');
    expect(manifest.tools.uv).toMatch(/^\d+\.\d+\.\d+/);

    // The synthesized tailwind config loads and carries both presets and rebased content globs.
    write(path.join(root, 'extensions/oracle/templates/a.html'), '<p class="text-oracle"></p>\n');
    const config = createRequire(__filename)(path.join(root, 'forge/synthesis/tailwind/tailwind.config.js'));
    expect(config.presets).toHaveLength(2);
    expect(config.content).toEqual([`${root}/extensions/atelier/templates/**/*.html`, `${root}/extensions/oracle/templates/**/*.html`]);
  });

  it('refuses to record an input that changed while uv ran, and writes no manifest', async () => {
    const root = workspace('edited-mid-run');
    const pyproject = path.join(root, 'extensions/oracle/pyproject.toml');
    // uv as the editor's save lands: the file changes between the synthesis reading it and recording it.
    const uv = path.join(root, 'uv-that-races');
    fs.writeFileSync(
      uv,
      `#!/bin/sh\n[ "$1" = lock ] && echo '# saved mid-run' >> ${JSON.stringify(pyproject)}\nexec ${JSON.stringify(process.env['LYCHD_UV'])} "$@"\n`,
      { mode: 0o755 },
    );
    const real = process.env['LYCHD_UV'];
    process.env['LYCHD_UV'] = uv;
    try {
      const error = await failure(synthesize({ workspaceRoot: root, env }));
      expect(error.problems).toEqual([expect.objectContaining({ file: 'extensions/oracle/pyproject.toml' })]);
      expect(error.message).toContain('extensions/oracle/pyproject.toml: error[LYCHD304]: changed while the synthesis ran');
    } finally {
      process.env['LYCHD_UV'] = real;
    }
    expect(fs.existsSync(path.join(root, 'forge/synthesis.lock.json'))).toBe(false);
  });

  it("reports a Python conflict with uv's explanation naming both extensions, and writes nothing", async () => {
    const root = workspace('pyconflict', {
      alpha: { python: ['tinyx==1.0.0'] },
      beta: { python: ['tinyx==2.0.0'] },
    });
    const error = await failure(lockPython({ workspaceRoot: root, env }));
    expect(error.message).toMatch(/alpha depends on tinyx==1\.0\.0/);
    expect(error.message).toMatch(/beta depends on tinyx==2\.0\.0/);
    expect(error.message).toMatch(/alpha and beta are incompatible/);
    expect(error.message).toContain('extensions/alpha/pyproject.toml');
    expect(error.message).toContain('extensions/beta/pyproject.toml');
    expect(fs.existsSync(path.join(root, 'forge'))).toBe(false);
  });

  it('reports a Node range conflict naming both extensions and both ranges, and writes nothing', async () => {
    const root = workspace('nodeconflict', {
      alpha: { node: { 'tiny-ms': '^1.0.0' } },
      beta: { node: { 'tiny-ms': '^2.0.0' } },
    });
    const error = await failure(lockNode({ workspaceRoot: root, env }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ file: 'extensions/beta/package.json', field: 'dependencies.tiny-ms' });
    expect(error.message).toContain('extension beta needs tiny-ms@"^2.0.0" but extension alpha needs tiny-ms@"^1.0.0"');
    expect(error.message).toContain('extensions/alpha/package.json');
    expect(fs.existsSync(path.join(root, 'forge'))).toBe(false);
  });

  it('reports a Node range conflict and a Python conflict together, and writes nothing', async () => {
    const root = workspace('bothconflicts', {
      alpha: { python: ['tinyx==1.0.0'], node: { 'tiny-ms': '^1.0.0' } },
      beta: { python: ['tinyx==2.0.0'], node: { 'tiny-ms': '^2.0.0' } },
    });
    const error = await failure(synthesize({ workspaceRoot: root, env }));
    expect(error.problems.map((p) => `${p.file} ${p.field}`).sort()).toEqual(
      ['forge/synthesis/python/pyproject.toml project.dependencies', 'extensions/beta/package.json dependencies.tiny-ms'].sort(),
    );
    expect(error.message).toContain('extension beta needs tiny-ms@"^2.0.0" but extension alpha needs tiny-ms@"^1.0.0"');
    expect(error.message).toMatch(/alpha and beta are incompatible/);
    expect(fs.existsSync(path.join(root, 'forge'))).toBe(false);
  });

  it('follows extensions being added and removed', async () => {
    const root = workspace('addremove', { alpha: EXAMPLE.oracle }, ['alpha']);
    await synthesize({ workspaceRoot: root, env });
    expect(readManifest(root).components.map((c) => c.name)).toEqual(['core', 'alpha']);

    writeExtension(root, 'beta', EXAMPLE.scriptorium);
    writeScroll(root, ['alpha', 'beta']);
    await synthesize({ workspaceRoot: root, env });
    let manifest = readManifest(root);
    expect(manifest.components.map((c) => c.name)).toEqual(['core', 'alpha', 'beta']);
    expect(manifest.python.packages.map((p) => p.name)).toContain('tinyocr');
    expect(manifest.system.map((s) => s.name)).toEqual(['ffmpeg', 'tesseract-ocr']);

    writeScroll(root, ['beta']);
    await synthesize({ workspaceRoot: root, env });
    manifest = readManifest(root);
    expect(manifest.components.map((c) => c.name)).toEqual(['core', 'beta']);
    expect(manifest.python.packages.map((p) => p.name)).not.toContain('tinyx');
    expect(manifest.node.packages).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'forge/synthesis/python/uv.lock'), 'utf8')).not.toContain('alpha');
    expect(Object.keys(manifest.inputs.files).some((f) => f.includes('alpha'))).toBe(false);

    writeScroll(root, ['beta', 'gamma']);
    expect(() => discoverComponents(root)).toThrow(
      /names "gamma", but there is no extension folder extensions\/gamma\/ with a pyproject.toml/,
    );
  });

  it('gives identical bytes from two folders and two working directories', async () => {
    const a = workspace('det-a');
    const b = workspace(path.join('det-b', 'nested', 'deeper'));
    const cwd = process.cwd();
    try {
      process.chdir(a);
      await synthesize({ workspaceRoot: a, env });
      process.chdir(work);
      await synthesize({ workspaceRoot: b, env });
    } finally {
      process.chdir(cwd);
    }
    const outA = { ...snapshotTree(path.join(a, 'forge')) };
    const outB = { ...snapshotTree(path.join(b, 'forge')) };
    expect(Object.keys(outA).sort()).toEqual([
      'synthesis.lock.json',
      'synthesis/node/package-lock.json',
      'synthesis/node/package.json',
      'synthesis/python/pyproject.toml',
      'synthesis/python/uv.lock',
      'synthesis/tailwind/tailwind.config.js',
    ]);
    expect(outB).toEqual(outA);
    for (const text of Object.values(outA)) {
      expect(text).not.toContain(a);
      expect(text).not.toContain('\r');
      expect(text.endsWith('\n')).toBe(true);
    }
  });

  it('check passes offline when current and reports drift with a diff', async () => {
    const root = workspace('check', EXAMPLE);
    await synthesize({ workspaceRoot: root, env });

    // No registry and no index reachable: a current lock must not need them.
    fs.renameSync(path.join(work, 'pyindex'), path.join(work, 'pyindex-away'));
    const offline = { ...env, npm_config_registry: 'http://127.0.0.1:9/', UV_CACHE_DIR: path.join(work, 'uv-cache-empty') };
    try {
      const current = await checkSynthesis({ workspaceRoot: root, env: offline });
      expect(driftText(current.drift)).toBe('');
      expect(current.ok).toBe(true);

      const npmLock = path.join(root, 'forge/synthesis/node/package-lock.json');
      const pkg = path.join(root, 'extensions/atelier/package.json');
      const before = fs.readFileSync(pkg, 'utf8');
      fs.writeFileSync(pkg, `${JSON.stringify({ name: '@ext/atelier', dependencies: { 'tiny-ms': '^1.2.0' } })}\n`);
      writeExtension(root, 'oracle', { ...EXAMPLE.oracle, python: ['tinyx==1.0.0'] });
      const drifted = await checkSynthesis({ workspaceRoot: root, env: offline });
      expect(drifted.ok).toBe(false);
      expect(drifted.drift.map((d) => d.file)).toEqual([
        'forge/synthesis/python/uv.lock',
        'forge/synthesis/node/package.json',
        'forge/synthesis/node/package-lock.json',
      ]);
      expect(driftText(drifted.drift)).toContain('oracle depends on tinyx==1.0.0');
      expect(driftText(drifted.drift)).toMatch(/^- +"tiny-clsx": "\^3\.0\.0",$/m);
      expect(driftText(drifted.drift)).toMatch(/^- +"node_modules\/tiny-clsx": \{$/m);
      expect(fs.readFileSync(npmLock, 'utf8')).toContain('tiny-clsx');

      // A new dependency cannot be locked offline: reported, not fetched.
      fs.writeFileSync(pkg, `${JSON.stringify({ name: '@ext/atelier', dependencies: { 'tiny-new': '^1.0.0' } })}\n`);
      const needsNetwork = await checkSynthesis({ workspaceRoot: root, env: offline });
      expect(driftText(needsNetwork.drift)).toContain('npm would need the network');
      fs.writeFileSync(pkg, before);
      writeExtension(root, 'oracle', EXAMPLE.oracle);
      expect((await checkSynthesis({ workspaceRoot: root, env: offline })).ok).toBe(true);

      const manifestFile = path.join(root, 'forge/synthesis.lock.json');
      const text = fs.readFileSync(manifestFile, 'utf8');
      fs.writeFileSync(manifestFile, text.replace('"ffmpeg"', '"ffmpeg=1:4"'));
      const edited = await checkSynthesis({ workspaceRoot: root, env: offline });
      expect(edited.drift.map((d) => d.file)).toEqual(['forge/synthesis.lock.json']);
      expect(driftText(edited.drift)).toMatch(/^- .*"ffmpeg=1:4"/m);
      expect(driftText(edited.drift)).toMatch(/^\+ .*"ffmpeg"/m);
      expect(fs.readdirSync(path.join(root, 'forge/synthesis')).sort()).toEqual(['node', 'python', 'tailwind']);
    } finally {
      fs.renameSync(path.join(work, 'pyindex-away'), path.join(work, 'pyindex'));
    }
  });

  it('runs the stages separately: tailwind and manifest do not touch the locks', async () => {
    const root = workspace('stages');
    await lockPython({ workspaceRoot: root, env });
    await expect(assembleManifest({ workspaceRoot: root })).rejects.toThrow(
      /package-lock.json: error\[LYCHD304\]: has not been synthesized yet/,
    );
    await lockNode({ workspaceRoot: root, env });
    synthesizeTailwind({ workspaceRoot: root });
    const locks = snapshotTree(path.join(root, 'forge/synthesis'));
    write(path.join(root, 'quadlets/lychd.pod'), '[Pod]\nPodName=lychd\n');
    const { manifest } = await assembleManifest({ workspaceRoot: root, quadletsDir: 'quadlets' });
    expect(manifest.quadlets?.files['lychd.pod']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(snapshotTree(path.join(root, 'forge/synthesis'))).toEqual(locks);
  });
});
