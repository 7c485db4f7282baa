import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSynthesis, synthesize, type SynthesisManifest } from '../../tools/src/synthesis';
import { outdatedNode, outdatedPython } from '../../tools/src/synthesis/outdated';
import { driftText } from '../../tools/src/report';
import { requireTool } from '../../tools/src/toolchain/tools';
import { buildPythonIndex, publishNpm, startNpmRegistry, tempDir, writeWorkspace, type LocalRegistry, type WheelSpec } from './fixtures';

/**
 * `[forge] resolve_before`: uv's exclude-newer and npm's --before against the local PyPI index and
 * npm registry, with a release published after the pinned time.
 */
const REPO = path.resolve(__dirname, '../..');
const PIN = '2026-12-01T00:00:00Z';
const OLD = '2026-06-01T00:00:00Z';
const NEW = '2026-12-10T00:00:00Z';

let work: string;
let registry: LocalRegistry;
let runs = 0;
const wheels: WheelSpec[] = [
  { name: 'tinybase', version: '1.0.0', uploaded: OLD },
  { name: 'tinyx', version: '1.0.0', requires: ['tinybase>=1'], uploaded: OLD },
];

/** A fresh uv and npm cache for every run: each lock is resolved from the index as it is now. */
function env(): NodeJS.ProcessEnv {
  runs++;
  return {
    UV_DEFAULT_INDEX: `file://${path.join(work, 'pyindex', 'simple')}`,
    UV_OFFLINE: '1',
    UV_CACHE_DIR: path.join(work, `uv-cache-${runs}`),
    UV_PYTHON_DOWNLOADS: 'never',
    npm_config_registry: registry.url,
    npm_config_cache: path.join(work, `npm-cache-${runs}`),
  };
}

function workspaceAt(name: string, pin?: string): string {
  const root = path.join(work, name);
  writeWorkspace(root, { oracle: { python: ['tinyx>=1'], node: { 'tiny-ms': '^1.0.0' } } });
  if (pin) fs.appendFileSync(path.join(root, 'codex', 'lychd.toml'), `resolve_before = "${pin}"\n`);
  return root;
}

const read = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const LOCKS = ['forge/synthesis/python/pyproject.toml', 'forge/synthesis/python/uv.lock', 'forge/synthesis/node/package-lock.json'];
const locks = (root: string) => Object.fromEntries(LOCKS.map((f) => [f, read(root, f)]));
const locked = (root: string) => {
  const m = JSON.parse(read(root, 'forge/synthesis.lock.json')) as SynthesisManifest;
  return {
    resolveBefore: m.resolveBefore,
    python: m.python.packages.map((p) => `${p.name}=${p.version}`),
    node: m.node.packages.map((p) => `${p.name}=${p.version}`),
  };
};

beforeAll(async () => {
  process.env['LYCHD_UV'] = requireTool('uv', { workspaceRoot: REPO });
  work = tempDir('resolve-before');
  buildPythonIndex(path.join(work, 'pyindex'), wheels);
  registry = await startNpmRegistry(path.join(work, 'npm'), [{ name: 'tiny-ms', version: '1.0.0', published: OLD }]);
});

afterAll(() => {
  registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('what the locks hold to: the resolution time ([forge] resolve_before) and the Debian lock', () => {
  it('reproduces the committed locks from scratch after newer releases; outdated lists them only unpinned; moving the time picks them; check notices the pin', async () => {
    const root = workspaceAt('pinned', PIN);
    await synthesize({ workspaceRoot: root, env: env() });
    const committed = locks(root);
    expect(locked(root)).toMatchObject({ resolveBefore: PIN, python: expect.arrayContaining(['tinyx=1.0.0']), node: ['tiny-ms=1.0.0'] });
    expect(committed['forge/synthesis/python/pyproject.toml']).toContain(`[tool.uv]\nexclude-newer = "${PIN}"`);
    expect(committed['forge/synthesis/python/uv.lock']).toContain(`exclude-newer = "${PIN}"`);
    const unpinned = workspaceAt('unpinned');
    await synthesize({ workspaceRoot: unpinned, env: env() });

    // Newer releases, after the pinned time.
    buildPythonIndex(path.join(work, 'pyindex'), [
      ...wheels,
      { name: 'tinyx', version: '2.0.0', requires: ['tinybase>=1'], uploaded: NEW },
    ]);
    publishNpm(path.join(work, 'npm'), [{ name: 'tiny-ms', version: '1.9.0', published: NEW }]);

    // outdated: nothing newer as of the pinned time; without a pin, the newer releases.
    expect([...(await outdatedPython(root, env())), ...(await outdatedNode(root, PIN, env()))]).toEqual([]);
    expect([...(await outdatedPython(unpinned, env())), ...(await outdatedNode(unpinned, undefined, env()))]).toEqual([
      { ecosystem: 'python', name: 'tinyx', locked: '1.0.0', newest: '2.0.0' },
      { ecosystem: 'node', name: 'tiny-ms', locked: '1.0.0', newest: '1.9.0' },
    ]);
    const untouched = locks(unpinned);

    // A re-lock from scratch (the locks deleted) gives the committed bytes.
    for (const f of LOCKS) fs.rmSync(path.join(root, f));
    await synthesize({ workspaceRoot: root, env: env() });
    expect(locks(root)).toEqual(committed);

    // Without the pin, a re-lock from scratch takes the newer releases (outdated changed nothing before).
    expect(locks(unpinned)).toEqual(untouched);
    for (const f of LOCKS) fs.rmSync(path.join(unpinned, f));
    await synthesize({ workspaceRoot: unpinned, env: env() });
    expect(locked(unpinned)).toMatchObject({ python: expect.arrayContaining(['tinyx=2.0.0']), node: ['tiny-ms=1.9.0'] });

    // Moving the time is the upgrade; until the locks are redone, check says they no longer match.
    fs.writeFileSync(path.join(root, 'codex', 'lychd.toml'), read(root, 'codex/lychd.toml').replace(PIN, '2026-12-20T00:00:00Z'));
    const stale = await checkSynthesis({ workspaceRoot: root, env: env() });
    expect(stale.ok).toBe(false);
    expect(driftText(stale.drift)).toContain('forge/synthesis/python/pyproject.toml differs from what the inputs produce');
    await synthesize({ workspaceRoot: root, env: env() });
    expect(locked(root)).toMatchObject({
      resolveBefore: '2026-12-20T00:00:00Z',
      python: expect.arrayContaining(['tinyx=2.0.0']),
      node: ['tiny-ms=1.9.0'],
    });
    expect((await checkSynthesis({ workspaceRoot: root, env: env() })).ok).toBe(true);
  }, 300_000);

  it('check fails when the Debian lock asks for other packages than the extensions, or was resolved on another base', async () => {
    const root = workspaceAt('debian', PIN);
    const lockFile = path.join(root, 'forge/synthesis/debian.lock.json');
    const lock = {
      formatVersion: 2,
      archive: { uri: 'apt-sources:', suite: 'bookworm', components: ['main'] },
      requested: ['ffmpeg'],
      base: { suite: 'bookworm', digest: `sha256:${'a'.repeat(64)}`, packages: [] },
      packages: [],
    };
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    // A lock of the first format is its reader's refusal, saying what to run.
    fs.writeFileSync(lockFile, `${JSON.stringify({ ...lock, formatVersion: 1 })}\n`);
    await synthesize({ workspaceRoot: root, env: env() });
    await expect(checkSynthesis({ workspaceRoot: root, env: env() })).rejects.toThrow(
      /debian\.lock\.json:\d+:\d+: error\[LYCHD804\]: is format 1, written by an older Forge; this one reads format 2[^]*`npx lychd-forge debian-lock`/,
    );
    fs.writeFileSync(lockFile, `${JSON.stringify(lock)}\n`);
    await synthesize({ workspaceRoot: root, env: env() });
    const requested = await checkSynthesis({ workspaceRoot: root, env: env() });
    expect(requested.ok).toBe(false);
    expect(driftText(requested.drift)).toContain(
      'forge/synthesis/debian.lock.json locks ["ffmpeg"] but the extensions ask for []; run `lychd-forge debian-lock`',
    );

    fs.writeFileSync(lockFile, `${JSON.stringify({ ...lock, requested: [] })}\n`);
    await synthesize({ workspaceRoot: root, env: env() });
    expect((await checkSynthesis({ workspaceRoot: root, env: env() })).ok).toBe(true);
    const baseFile = path.join(root, 'dist/forge/base/base.json');
    fs.mkdirSync(path.dirname(baseFile), { recursive: true });
    fs.writeFileSync(baseFile, JSON.stringify({ kind: 'debian', ref: 'bookworm', digest: `sha256:${'b'.repeat(64)}` }));
    const moved = await checkSynthesis({ workspaceRoot: root, env: env() });
    expect(moved.ok).toBe(false);
    expect(driftText(moved.drift)).toContain(
      `was resolved on the base sha256:${'a'.repeat(64)}, but the base is now sha256:${'b'.repeat(64)}`,
    );

    // Edited by hand: the manifest's digest of the lock no longer matches.
    fs.rmSync(baseFile);
    fs.writeFileSync(lockFile, `${JSON.stringify({ ...lock, requested: [] }, null, 1)}\n`);
    const edited = await checkSynthesis({ workspaceRoot: root, env: env() });
    expect(edited.ok).toBe(false);
    expect(driftText(edited.drift)).toContain('forge/synthesis.lock.json differs from what the inputs produce');
  }, 300_000);
});
