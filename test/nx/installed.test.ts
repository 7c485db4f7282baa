import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE } from '../support/codex-fixture';
import { runAsync } from '../support/run';
import { REQUIRE_TOOLS, skipWithout } from '../toolchain/tool-gate';
import { launchCacheScript } from '../remote-cache/server';
import { taskStatuses } from '../remote-cache/tasks';
import { tempDir } from '../support/temp';

/**
 * The plugin as a user gets it: packed, installed from the tarball into a new Nx workspace that
 * already has a project named `forge`, set up with `nx g @lychd/forge:init` (a prefix, the Codex
 * and the extensions in folders of its own), its tools from `lychd-forge setup`, and taken from
 * nothing (no forge/federation.json, no locks) to a bound generation and a Synthesis Manifest by
 * one `nx run-many`; then the same tarball against the oldest Nx it claims. Real npm, real Nx, the
 * npm registry and PyPI (the locks are resolved afresh).
 */
// Nx 24 keeps the cache of a git repository's checkouts under ~/.nx/<the repository's identity>:
// each run's new repository would leave its records there (the image's alone is 650 MB). Inside
// the workspace instead, where the test's temporary folder takes them away.
const nxData = (cwd: string) => ({
  NX_CACHE_DIRECTORY: path.join(cwd, '.nx', 'cache'),
  NX_WORKSPACE_DATA_DIRECTORY: path.join(cwd, '.nx', 'workspace-data'),
});
const sh = async (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => {
  const r = await runAsync(cmd, args, {
    cwd,
    env: {
      ...process.env,
      NX_DAEMON: 'false',
      NX_TUI: 'false',
      NX_NO_CLOUD: 'true',
      CI: 'true',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      ...nxData(cwd),
      ...env,
    },
  });
  return { status: r.status, out: r.stdout + r.stderr, stdout: r.stdout };
};

// The image needs root (mmdebstrap's base) and buildah, as the image tier does.
const noImage = skipWithout('buildah', 'skopeo', 'mmdebstrap') || (process.getuid?.() !== 0 && !REQUIRE_TOOLS);

let tarball: string;

beforeAll(async () => {
  const dir = tempDir('lychd-pack-');
  const pack = await sh('npm', ['pack', '--pack-destination', dir, '--json'], path.join(WORKSPACE, 'tools'));
  expect(pack.status, pack.out).toBe(0);
  tarball = path.join(dir, (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string }[])[0]!.filename);
}, 600_000);

/** A new Nx workspace with an unrelated project called `forge`, the tarball installed beside `nx` and `@nx/devkit` at `version`. */
async function workspace(version: string): Promise<string> {
  const ws = tempDir('lychd-adopt-');
  fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: 'acme-host', private: true }));
  fs.writeFileSync(path.join(ws, 'nx.json'), JSON.stringify({ neverConnectToCloud: true }, null, 2));
  fs.mkdirSync(path.join(ws, 'packages/forge'), { recursive: true });
  fs.writeFileSync(
    path.join(ws, 'packages/forge/project.json'),
    JSON.stringify({ name: 'forge', root: 'packages/forge', targets: { hello: { command: 'echo hello' } } }),
  );
  const install = await sh(
    'npm',
    ['install', '-D', `nx@${version}`, `@nx/devkit@${version}`, tarball, '--no-audit', '--no-fund', '--prefer-offline'],
    ws,
  );
  expect(install.status, install.out).toBe(0);
  // The tools from the Forge's own set-up: `lychd-forge setup` finds them installed and checks each.
  fs.symlinkSync(path.join(WORKSPACE, '.tools'), path.join(ws, '.tools'));
  return ws;
}

const INIT = ['nx', 'g', '@lychd/forge:init', '--codexDir=deploy/codex', '--extensionsDir=deploy/extensions', '--projectPrefix=lychd-'];

/** Every file of the workspace but its dependencies and caches, with a digest: "nothing changed" is this map unchanged. */
function snapshot(ws: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ws, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (['node_modules', '.nx', '.tools'].includes(e.name)) continue;
      if (e.isDirectory()) walk(r);
      else
        out.set(
          r,
          createHash('sha256')
            .update(fs.readFileSync(path.join(ws, r)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return out;
}

describe('@lychd/forge in a fresh Nx workspace, with the newest Nx 24', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await workspace('^24');
  }, 600_000);

  it('init with a prefix that still clashes is refused, naming the option, and writes nothing', async () => {
    const before = snapshot(ws);
    const r = await sh(
      'npx',
      ['nx', 'g', '@lychd/forge:init', '--codexDir=deploy/codex', '--extensionsDir=deploy/extensions', '--example'],
      ws,
    );
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/forge/);
    expect(r.out).toMatch(/projectPrefix/);
    expect(snapshot(ws)).toEqual(before);
  }, 600_000);

  it('init, setup and one run-many take it from nothing to a bound generation and a Synthesis Manifest', async () => {
    const init = await sh('npx', [...INIT, '--example'], ws);
    expect(init.status, init.out).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(ws, 'nx.json'), 'utf8')).plugins).toEqual([
      { plugin: '@lychd/forge', options: { codexDir: 'deploy/codex', extensionsDir: 'deploy/extensions', projectPrefix: 'lychd-' } },
    ]);
    expect(fs.existsSync(path.join(ws, 'deploy/codex/runes/scriptorium/codices/ledger.toml'))).toBe(true);
    expect(fs.existsSync(path.join(ws, 'forge/federation.json'))).toBe(false);

    // Twice: idempotent, nothing changes.
    const before = snapshot(ws);
    const again = await sh('npx', [...INIT, '--example'], ws);
    expect(again.status, again.out).toBe(0);
    expect(snapshot(ws)).toEqual(before);
    // Other options for a plugin already registered: refused, nothing changes.
    const other = await sh(
      'npx',
      ['nx', 'g', '@lychd/forge:init', '--codexDir=ops/codex', '--extensionsDir=deploy/extensions', '--projectPrefix=lychd-'],
      ws,
    );
    expect(other.status).not.toBe(0);
    expect(other.out).toMatch(/codexDir/);
    expect(snapshot(ws)).toEqual(before);

    const setup = await sh('npx', ['lychd-forge', 'setup'], ws);
    expect(setup.status, setup.out).toBe(0);
    expect(setup.out).toMatch(/lychd-forge setup: uv [\d.]+ already installed/);

    const projects = await sh('npx', ['nx', 'show', 'projects', '--json'], ws);
    expect(JSON.parse(projects.stdout.slice(projects.stdout.indexOf('[')))).toEqual(
      expect.arrayContaining(['forge', 'lychd-forge', 'lychd-codex', 'lychd-quadlets', 'lychd-runes-vllm', 'lychd-extension-scriptorium']),
    );

    const site = path.join(ws, 'site', 'containers', 'systemd');
    const run = await sh('npx', ['nx', 'run-many', '-t', 'validate', 'bind', 'synthesize', '--output-style=static'], ws, {
      LYCHD_BINDING_SITE: site,
    });
    expect(run.status, run.out).toBe(0);
    expect(run.out).toContain('nx run lychd-forge:federate');
    expect(fs.readdirSync(path.join(site, 'lychd'))).toEqual(expect.arrayContaining(['lychd.pod', 'vessel.container']));
    const manifest = JSON.parse(fs.readFileSync(path.join(ws, 'forge/synthesis.lock.json'), 'utf8'));
    expect(manifest.components.map((c: { name: string }) => c.name)).toEqual(['core', 'atelier', 'oracle', 'scriptorium']);
    expect(fs.readFileSync(path.join(ws, 'forge/federation.json'), 'utf8')).toContain('scriptorium/codices');
  }, 600_000);

  it('a second clean clone gets every cacheable task of the run from a shared remote cache, byte for byte', async () => {
    const site = path.join(ws, 'site', 'containers', 'systemd');
    const tokens = { readWrite: `rw-${randomBytes(12).toString('hex')}`, readOnly: `ro-${randomBytes(12).toString('hex')}` };
    const scratch = tempDir('lychd-adopt-cache-');
    const cache = await launchCacheScript({ storeDir: path.join(scratch, 'store'), tokens, logFile: path.join(scratch, 'cache.log') });
    try {
      const remote = (localCache: string) => ({
        NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url,
        NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: tokens.readWrite,
        NX_CACHE_DIRECTORY: path.join(scratch, localCache),
        LYCHD_BINDING_SITE: site,
      });
      const run = ['nx', 'run-many', '-t', 'validate', 'bind', 'synthesize', '--output-style=static'];
      // The workspace as its owner commits it; a run with an empty local cache fills the remote one.
      fs.appendFileSync(path.join(ws, '.gitignore'), 'node_modules/\n/.nx/\n/site/\n');
      for (const args of [
        ['init', '-q'],
        ['add', '-A'],
        ['-c', 'user.name=ci', '-c', 'user.email=ci@localhost', 'commit', '-qm', 'the host'],
      ])
        expect((await sh('git', args, ws)).status).toBe(0);
      const filled = await sh('npx', run, ws, remote('first'));
      expect(filled.status, filled.out).toBe(0);

      const clone = path.join(scratch, 'clone');
      expect((await sh('git', ['clone', '-q', ws, clone], scratch)).status).toBe(0);
      expect((await sh('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], clone)).status).toBe(0);
      fs.symlinkSync(path.join(WORKSPACE, '.tools'), path.join(clone, '.tools'));
      const second = await sh('npx', run, clone, remote('second'));
      expect(second.status, second.out).toBe(0);
      const statuses = [...taskStatuses(second.stdout)].filter(([task]) => !task.endsWith(':bind'));
      expect(statuses.length).toBeGreaterThan(10);
      expect(statuses.filter(([, status]) => status !== 'remote cache')).toEqual([]);
      for (const file of ['forge/synthesis.lock.json', 'forge/federation.json', 'quadlets/generation/vessel.container'])
        expect(fs.readFileSync(path.join(clone, file), 'utf8'), file).toBe(fs.readFileSync(path.join(ws, file), 'utf8'));
    } finally {
      await cache.stop();
    }
  }, 600_000);

  it.skipIf(noImage)(
    'locks the Debian packages and builds the image',
    async () => {
      const lock = await sh('npx', ['nx', 'run', 'lychd-forge:debian-lock', '--output-style=static'], ws);
      expect(lock.status, lock.out).toBe(0);
      const image = await sh('npx', ['nx', 'run', 'lychd-forge:image', '--output-style=static'], ws);
      expect(image.status, image.out).toBe(0);
      const summary = JSON.parse(fs.readFileSync(path.join(ws, 'dist/forge/image/image.json'), 'utf8'));
      expect(summary.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(summary.synthesis).toBe(
        `sha256:${createHash('sha256')
          .update(fs.readFileSync(path.join(ws, 'forge/synthesis.lock.json')))
          .digest('hex')}`,
      );
    },
    1_800_000,
  );

  it('offers the generators and the executors', async () => {
    const list = await sh('npx', ['nx', 'list', '@lychd/forge'], ws);
    expect(list.status, list.out).toBe(0);
    expect(list.out).toMatch(/init : /);
    expect(list.out).toMatch(/rune : Add a rune file/);
    expect(list.out).toMatch(/validate : Validate the Codex/);
  }, 600_000);
});

describe('@lychd/forge with the oldest Nx it claims (24.0.0)', () => {
  it('installs, sets up the example and validates it', async () => {
    const ws = await workspace('24.0.0');
    const version = JSON.parse(fs.readFileSync(path.join(ws, 'node_modules/nx/package.json'), 'utf8')).version;
    expect(version).toBe('24.0.0');
    expect((await sh('npx', [...INIT, '--example'], ws)).status).toBe(0);
    const run = await sh('npx', ['nx', 'run', 'lychd-codex:validate', '--output-style=static'], ws);
    expect(run.status, run.out).toBe(0);
    expect(run.out).toContain('nx run lychd-forge:federate');
    expect(run.out).toMatch(
      /Codex deploy\/codex: valid: \d+ soulstone\(s\), \d+ portal\(s\), \d+ rune\(s\) of extension families, 3 extension\(s\)/,
    );
  }, 600_000);
});
