import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buildah } from '../../tools/src/image/buildah';
import { NPM_CI_ARGS } from '../../tools/src/image/node-toolchain';
import { PackageCache } from '../../tools/src/image/package-cache';
import type { ImageSummary } from '../../tools/src/image';
import { requireTool } from '../../tools/src/toolchain';
import { forgeAsync, type Ran } from '../support/run';
import { withoutSystemPackages } from '../support/system-packages';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';
import { runNx, type NxRun } from '../support/nx-run';
import { REQUIRE_TOOLS, skipWithout } from '../toolchain/tool-gate';
import { LocalArchive } from './debian-archive';
import { tempDir } from '../support/temp';

/**
 * The example's image, built by real buildah in two clean copies of the workspace, each with its
 * own buildah store and Nx cache; the second also builds its own Debian base (its own
 * LYCHD_FORGE_CACHE), so the base's reproducibility is proved too. Minutes, on purpose.
 * The last block checks the tree rule (artifacts/tree.ts) on the real build: a host file never
 * reaches the image through a link in an extension.
 */
const notRoot = process.getuid?.() !== 0;
if (notRoot && !REQUIRE_TOOLS)
  console.warn('[image tests] SKIPPING: building the Debian base (mmdebstrap --mode=root) and the image needs root.');
const skip = skipWithout('buildah', 'skopeo', 'mmdebstrap', 'uv') || (notRoot && !REQUIRE_TOOLS);
const LONG = 3_600_000;

let a: WorkspaceCopy;
let b: WorkspaceCopy;
let first: ImageSummary;
/** What clone A's and clone B's first, cold builds printed. */
let firstOutput: string;
let outputB: string;
/** Clone B's own Forge cache: its own base, its own .deb files. */
let ownCache: string;

const summaryOf = (ws: WorkspaceCopy) => JSON.parse(ws.read('dist/forge/image/image.json')) as ImageSummary;

/** The layout's manifest, and the inode of every blob file, by digest. */
function ociLayoutOf(ws: WorkspaceCopy) {
  const dir = path.join(ws.root, 'dist/forge/image/oci');
  const blob = (digest: string) => path.join(dir, 'blobs', ...digest.split(':'));
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as {
    layers: Array<{ digest: string; mediaType: string }>;
  };
  const inodes = new Map(fs.readdirSync(path.join(dir, 'blobs/sha256')).map((f) => [`sha256:${f}`, fs.statSync(blob(`sha256:${f}`)).ino]));
  return { manifest, inodes };
}
const buildahOf = (ws: WorkspaceCopy) => new Buildah(requireTool('buildah'), path.join(ws.root, 'tmp/forge/buildah'));

/** The mount points under the workspaces' folders. */
const mountsIn = (...wss: WorkspaceCopy[]) =>
  fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => wss.some((ws) => m.startsWith(`${ws.root}/`)));

/** `nx run forge:image`: which tasks ran and which were cache hits. */
async function image(ws: WorkspaceCopy, env?: NodeJS.ProcessEnv): Promise<NxRun> {
  const r = await runNx(ws, ['run', 'forge:image', '--output-style=static'], env);
  if (r.status !== 0) throw new Error(`nx run forge:image failed in ${ws.root}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Runs a shell line inside the image as its own user (or another), through buildah's chroot isolation. */
function inside(ws: WorkspaceCopy, id: string, line: string, user?: string) {
  return buildahOf(ws).inside(id, ['/bin/sh', '-c', line], user ? ['--user', user] : []);
}

/**
 * The output of a shell line that must succeed inside the image. A failed run (the line's or
 * buildah's own) fails the test with its status and both streams, never as an empty output.
 */
function output(ws: WorkspaceCopy, id: string, line: string, user?: string): string {
  const r = inside(ws, id, line, user);
  if (r.status !== 0) throw new Error(`\`${line}\` exited with status ${r.status} inside ${id}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe.skipIf(skip)('the image, built by real buildah', () => {
  beforeAll(async () => {
    a = copyWorkspace();
    ownCache = tempDir('lychd-forge-cache-');
    b = copyWorkspace({ env: { LYCHD_FORGE_CACHE: ownCache } });
    // The two clones share nothing: they build at the same time. Both are awaited before a failure
    // is reported, so that afterAll's cleanup never runs under a build still going.
    const builds = await Promise.allSettled([image(a), image(b)]);
    for (const r of builds) if (r.status === 'rejected') throw r.reason;
    first = summaryOf(a);
    firstOutput = (builds[0] as PromiseFulfilledResult<NxRun>).value.stdout;
    outputB = (builds[1] as PromiseFulfilledResult<NxRun>).value.stdout;
  }, LONG);

  afterAll(() => {
    for (const ws of [a, b]) {
      if (!ws) continue;
      buildahOf(ws).run(['rm', '--all']);
      buildahOf(ws).run(['rmi', '--all', '--force']);
    }
  });

  it('is the same image in two clean clones: same ID, same diff_ids, same summary', () => {
    const second = summaryOf(b);
    console.log(`[image tests] clone A ${first.imageId}\n[image tests] clone B ${second.imageId}`);
    expect(second.imageId).toBe(first.imageId);
    expect(second.diffIds).toEqual(first.diffIds);
    expect(second).toEqual(first);
    expect(a.read('dist/forge/image/image.json')).toBe(b.read('dist/forge/image/image.json'));
  });

  it("wrote the earlier stages' layers while buildah built (the base and the system packages), then removed their scratch layout", () => {
    expect(firstOutput).toContain('2 earlier stage(s) copied during the build');
    for (const ws of [a, b]) expect(fs.readdirSync(path.join(ws.root, 'tmp/forge')).filter((n) => n.startsWith('stages-'))).toEqual([]);
  });

  it("keeps clone B's filled uv and npm caches in its Forge cache, as seeds from which another workspace installs both locks offline", () => {
    expect(outputB).toContain('uv cache: filled from the index');
    expect(outputB).toContain('npm cache: filled from the registry');
    const context = path.join(b.root, 'tmp/forge/context');
    const work = tempDir('lychd-seeded-');
    const seeded = (kind: 'uv' | 'npm') => {
      const keys = fs.readdirSync(path.join(ownCache, 'package-caches', kind));
      expect(keys).toHaveLength(1);
      const cache = new PackageCache(path.join(work, `${kind}-cache`), kind, keys[0]!, { LYCHD_FORGE_CACHE: ownCache });
      expect(cache.prepare()).toBe('seeded');
      return cache.dir;
    };
    // As the build's builder stage: every member from its sources, every dependency from the cache alone.
    fs.cpSync(path.join(context, 'app'), path.join(work, 'app'), { recursive: true });
    const synced = spawnSync(path.join(context, '.forge/uv'), ['sync', '--frozen', '--offline', '--no-dev', '--python', 'python3.11'], {
      cwd: path.join(work, 'app/forge/synthesis/python'),
      encoding: 'utf8',
      env: { ...process.env, UV_CACHE_DIR: seeded('uv'), UV_PROJECT_ENVIRONMENT: path.join(work, 'venv'), UV_PYTHON_DOWNLOADS: 'never' },
    });
    expect(synced.status, synced.stderr).toBe(0);
    // As the node stage: the pinned npm, offline.
    fs.cpSync(path.join(context, 'node'), path.join(work, 'node'), { recursive: true });
    const toolchain = path.join(context, '.forge/node');
    const installed = spawnSync(
      path.join(toolchain, 'node/bin/node'),
      [path.join(toolchain, 'npm/bin/npm-cli.js'), ...NPM_CI_ARGS, '--offline', '--cache', seeded('npm')],
      { cwd: path.join(work, 'node'), encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
    expect(installed.status, installed.stderr).toBe(0);
    expect(fs.existsSync(path.join(work, 'node/node_modules/.package-lock.json'))).toBe(true);
  });

  it('leaves nothing mounted in the workspace: its tmp/ can be removed after a build', () => {
    expect(mountsIn(a, b)).toEqual([]);
  });

  it('follows the summary contract and carries the synthesis label', () => {
    const synthesis = `sha256:${createHash('sha256')
      .update(fs.readFileSync(path.join(a.root, 'forge/synthesis.lock.json')))
      .digest('hex')}`;
    expect(first).toMatchObject({
      formatVersion: 1,
      strategy: 'mundane',
      layout: 'oci',
      refName: 'lychd',
      synthesis,
      builder: { name: 'buildah' },
    });
    expect(first.base).toMatchObject({ kind: 'debian', ref: 'bookworm' });
    expect(Object.keys(first.systemPackages).sort()).toEqual(['ffmpeg', 'sox', 'tesseract-ocr', 'tesseract-ocr-eng']);
    const inspect = buildahOf(a).run(['inspect', '--type', 'image', first.imageId]);
    expect(JSON.parse(inspect.stdout).OCIv1.config.Labels['org.lychd.synthesis']).toBe(synthesis);
    const index = JSON.parse(a.read('dist/forge/image/oci/index.json'));
    expect(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name'])).toEqual(
      ['lychd'],
    );
  });

  it("installs the Debian lock's packages on the base's, and nothing else (dpkg-query inside)", () => {
    const lock = JSON.parse(a.read('forge/synthesis/debian.lock.json')) as {
      base: { digest: string; packages: Array<{ name: string; version: string; architecture: string }> };
      packages: Array<{ name: string; version: string; architecture: string }>;
    };
    expect(lock.base.digest).toBe(first.base.digest);
    const listed = [...lock.base.packages, ...lock.packages].map((p) => `${p.name}\t${p.version}\t${p.architecture}`).sort();
    const installed = output(a, first.imageId, "dpkg-query -W -f '${Package}\\t${Version}\\t${Architecture}\\n'", '0:0');
    expect(installed.trim().split('\n').sort()).toEqual(listed);
    for (const [name, version] of Object.entries(first.systemPackages))
      expect(lock.packages.find((p) => p.name === name)?.version).toBe(version);
  });

  it('runs as a non-root user, with /app sealed, no .pyc, every extension importable', () => {
    const id = first.imageId;
    expect(output(a, id, 'id -u').trim()).toBe('10001');
    const write = inside(a, id, 'touch /app/x 2>&1; touch /app/core/src/lychd_core/x 2>&1; echo done');
    expect(write.stdout).toMatch(/Permission denied[\s\S]*Permission denied[\s\S]*done/);
    expect(output(a, id, 'find /app ! -type l -perm /222 | head -n 3', '0:0').trim()).toBe('');
    const imports = output(a, id, 'python3 -c "import lychd_core, atelier, oracle, scriptorium; print(lychd_core.__doc__)"');
    expect(imports).toBe('The LychD daemon core.\n');
    const pyc = output(a, id, 'find /app -name "*.pyc" -o -name __pycache__', '0:0');
    expect(pyc).toBe('');
  });

  it("ships the npm lock's packages and the CSS built from the merged Tailwind config, with the class only oracle's template uses", () => {
    const id = first.imageId;
    // The class is oracle's own: no other file of the components names it.
    const users = a.git(['grep', '-l', 'bg-oracle-live', '--', 'core', 'extensions']).trim().split('\n');
    expect(users).toEqual(['extensions/oracle/templates/recorder.html']);
    const css = output(a, id, 'cat /app/extensions/oracle/static/tailwind.css');
    expect(css).toMatch(
      /\.bg-oracle-live \{\n {2}--tw-bg-opacity: 1;\n {2}background-color: rgb\(192 57 43 \/ var\(--tw-bg-opacity, 1\)\);\n\}/,
    );
    // atelier's classes and theme too: one CSS from the merged config, beside each extension with a config.
    expect(css).toContain('.bg-crypt-950 {');
    expect(output(a, id, 'cat /app/extensions/atelier/static/tailwind.css')).toBe(css);
    expect(inside(a, id, 'ls /app/extensions/scriptorium/static 2>&1').status).not.toBe(0);

    const lock = JSON.parse(a.read('forge/synthesis/node/package-lock.json')) as {
      packages: Record<string, { version?: string; os?: string[] }>;
    };
    const installed = output(
      a,
      id,
      'cd /app/node_modules && for p in */package.json @*/*/package.json; do python3 -c "import json,sys; print(sys.argv[1][:-13], json.load(open(sys.argv[1]))[\'version\'])" $p; done',
    );
    const topLevel = Object.entries(lock.packages)
      // Every package at the top of node_modules, but those for other systems (fsevents).
      .filter(([loc, p]) => /^node_modules\/(@[^/]+\/)?[^/@]+$/.test(loc) && (!p.os || p.os.includes('linux')))
      .map(([loc, p]) => `${loc.slice('node_modules/'.length)} ${p.version}`)
      .sort();
    expect(installed.trim().split('\n').sort()).toEqual(topLevel);
    expect(topLevel).toEqual(expect.arrayContaining(['ms 2.1.3', expect.stringMatching(/^tailwindcss 3\./)]));
    // Node and npm built it and stayed out: the image runs no Node.
    expect(output(a, id, 'command -v node || command -v npm || ls -d /opt/lychd-node /npm-cache 2>/dev/null || echo none')).toBe('none\n');
  });

  it('holds the system packages and PYTHONDONTWRITEBYTECODE=1, and answers /health listing the extensions', () => {
    const id = first.imageId;
    expect(output(a, id, 'for c in ffmpeg sox tesseract; do command -v $c; done').trim().split('\n')).toEqual([
      '/usr/bin/ffmpeg',
      '/usr/bin/sox',
      '/usr/bin/tesseract',
    ]);
    expect(output(a, id, 'echo "$PYTHONDONTWRITEBYTECODE"').trim()).toBe('1');
    const port = 20000 + (process.pid % 20000);
    const health = inside(
      a,
      id,
      `LYCHD_PORT=${port} lychd --serve & for i in 1 2 3 4 5 6 7 8 9 10; do python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:${port}/health').read().decode())" 2>/dev/null && break; sleep 1; done; ` +
        `echo @@metrics; python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:${port}/metrics').read().decode())"; kill $!`,
    );
    const [answer, metrics] = health.stdout.split('@@metrics\n');
    // What the Harvester scrapes and the Scribe's Vessel dashboard draws.
    expect(metrics).toContain('lychd_vessel_extensions 3\n');
    expect(metrics).toContain('lychd_http_requests_total{path="/health"} 1\n');
    const sources = expect.stringMatching(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(answer!.trim().split('\n').pop()!)).toEqual({
      database: { configured: false },
      extensions: {
        atelier: { capabilities: ['ui.theme'], sources },
        oracle: { capabilities: ['speech.synthesize', 'speech.transcribe'], sources },
        scriptorium: { capabilities: ['document.ocr', 'document.pdf'], sources },
      },
      status: 'ok',
      version: '0.1.0',
    });
  });

  it('holds the PostgreSQL client, and answers 503 "degraded" when the Phylactery does not answer', () => {
    const id = first.imageId;
    // Installed from the lock like every other package: the image's own venv imports it, offline.
    const client = output(a, id, '/app/.venv/bin/python -c "import pg8000.native; print(pg8000.__name__)"');
    expect(client).toBe('pg8000\n');

    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const port = 20000 + ((process.pid + 1) % 20000);
    const served = inside(
      a,
      id,
      `printf 'secret-word\\n' > /tmp/pw; LYCHD_PORT=${port} LYCHD_DATABASE_URL=postgresql://postgres@127.0.0.1:1/postgres LYCHD_DATABASE_PASSWORD_FILE=/tmp/pw lychd --serve > /tmp/serve.log & ` +
        `for i in 1 2 3 4 5 6 7 8 9 10; do python3 -c "
import urllib.error, urllib.request
try:
    urllib.request.urlopen('http://127.0.0.1:${port}/health')
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
" 2>/dev/null | grep . && break; sleep 1; done; kill $!; echo @@log; cat /tmp/serve.log`,
    );
    expect(served.status, served.stderr).toBe(0);
    const [answer, log] = served.stdout.split('@@log\n');
    const [code, json] = [answer!.slice(0, 4), answer!.slice(4)];
    expect(code).toBe('503 ');
    const health = JSON.parse(json!) as { status: string; database: { ok: boolean; error: string } };
    expect(health.status).toBe('degraded');
    expect(health.database).toEqual({ ok: false, error: expect.stringContaining('Connection refused') });
    expect(health.database.error).not.toContain('\n');
    expect(health.database.error).not.toContain('secret-word');
    // The start-up line says what the check found.
    expect(log).toMatch(/^database: InterfaceError: .*Connection refused/m);
  });

  it(
    'is a cache hit after a rune edit; an extension source edit keeps the base, system and dependency layers',
    async () => {
      const rune = 'extensions/oracle/runes/animator/soulstones/generic/whisper.toml';
      a.write(rune, `${a.read(rune)}\n# edited\n`);
      expect((await image(a)).cached).toContain('forge:image');
      expect(summaryOf(a).imageId).toBe(first.imageId);

      const source = 'extensions/oracle/src/oracle/__init__.py';
      const before = ociLayoutOf(a);
      a.write(source, `${a.read(source)}\n\nEDITED = True\n`);
      // A hook's source changed: federation comes first in this run (federate before context), and
      // the base and the Containerfile, which read nothing federate writes, keep their hashes.
      const editRun = await image(a);
      expect(editRun.ran).toContain('forge:federate');
      expect(editRun.cached).toEqual(expect.arrayContaining(['forge:base', 'forge:containerfile']));
      const edited = summaryOf(a);
      expect(edited.imageId).not.toBe(first.imageId);
      // Layers: base, system packages, user, the venv, node_modules, the uv workspace, core, atelier, oracle,
      // scriptorium, the CSS beside atelier and beside oracle, the Seal.
      expect(edited.diffIds).toHaveLength(13);
      const changed = edited.diffIds.flatMap((d, i) => (d === first.diffIds[i] ? [] : [i]));
      expect(changed).toEqual([8]);
      // The layout's layers are uncompressed (a layer's digest is its diff ID); the unchanged ones are
      // the previous layout's files, linked rather than written again; nothing else is left in it.
      const after = ociLayoutOf(a);
      expect(after.manifest.layers.map((l) => l.mediaType)).toEqual(edited.diffIds.map(() => 'application/vnd.oci.image.layer.v1.tar'));
      expect(after.manifest.layers.map((l) => l.digest)).toEqual(edited.diffIds);
      const reused = edited.diffIds.filter((d) => after.inodes.get(d) === before.inodes.get(d));
      expect(reused).toEqual(edited.diffIds.filter((_, i) => i !== 8));
      expect(after.inodes.size).toBe(edited.diffIds.length + 2);
      // Federation is current again in the next run: the image too is a cache hit, built once for the edit.
      expect((await image(a)).cached).toContain('forge:image');
      expect(summaryOf(a).imageId).toBe(edited.imageId);

      // A template edit rebuilds the CSS from the components' files: oracle's tree and both copies of the CSS change.
      const template = 'extensions/oracle/templates/recorder.html';
      a.write(template, a.read(template).replace('rounded-full', 'rounded-full ring-4'));
      await image(a);
      const styled = summaryOf(a);
      expect(styled.diffIds.flatMap((d, i) => (d === edited.diffIds[i] ? [] : [i]))).toEqual([8, 10, 11]);
      expect(output(a, styled.imageId, 'cat /app/extensions/oracle/static/tailwind.css')).toContain('.ring-4 {');
    },
    LONG,
  );

  describe('errors leave the previous image and summary as they were, and tag nothing', () => {
    const unchanged = (ws: WorkspaceCopy, before: string) => {
      expect(ws.read('dist/forge/image/image.json')).toBe(before);
      const names = buildahOf(ws).run(['images', '--format', '{{.Name}}:{{.Tag}}']).stdout.trim().split('\n');
      expect(names.filter((n) => !n.startsWith('<none>'))).toEqual([]);
    };

    it('buildah missing', async () => {
      const before = b.read('dist/forge/image/image.json');
      const r = await forgeAsync(['image'], { cwd: b.root, env: { LYCHD_BUILDAH: path.join(b.root, 'no-buildah') } });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('buildah not found');
      expect(r.stderr).toContain('apt-get install buildah');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      unchanged(b, before);
    });

    it(
      'a system package Debian does not have, named with the extension and file:line when it is locked',
      async () => {
        const before = b.read('dist/forge/image/image.json');
        const pyproject = 'extensions/oracle/pyproject.toml';
        b.write(
          pyproject,
          b.read(pyproject).replace('system-dependencies = ["ffmpeg"]', 'system-dependencies = ["ffmpeg", "lychd-no-such-package"]'),
        );
        const manifest = JSON.parse(b.read('forge/synthesis.lock.json'));
        manifest.system.push({ name: 'lychd-no-such-package', requestedBy: ['oracle'], spec: 'lychd-no-such-package' });
        b.write('forge/synthesis.lock.json', `${JSON.stringify(manifest, null, 2)}\n`);
        const line =
          b
            .read(pyproject)
            .split('\n')
            .findIndex((l) => l.includes('lychd-no-such-package')) + 1;
        // The lock no longer matches the manifest: the build says so, and re-locking names the package where it was asked for.
        const stale = await forgeAsync(['containerfile'], { cwd: b.root });
        expect(stale.status).toBe(1);
        expect(stale.stderr).toContain('forge/synthesis/debian.lock.json: error[LYCHD304]: locks ["ffmpeg"');
        expect(stale.stderr).toContain('lychd-forge debian-lock');
        const r = await forgeAsync(['debian-lock'], { cwd: b.root });
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(
          `${pyproject}:${line}: error[LYCHD601]: Debian bookworm has no package "lychd-no-such-package" (asked for by extension oracle) [tool.lychd.system-dependencies]`,
        );
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(b.git(['status', '--porcelain', 'forge/synthesis/debian.lock.json'])).toBe('');
        unchanged(b, before);
      },
      LONG,
    );

    it(
      'a failing step, with its command and last lines',
      async () => {
        const before = b.read('dist/forge/image/image.json');
        b.git(['checkout', '--', '.']);
        const template = 'forge/templates/Containerfile.njk';
        const broken = b.read(template).replace('USER {{ user.uid }}', 'RUN echo "the forge is cold" && exit 3\nUSER {{ user.uid }}');
        expect(broken).toContain('the forge is cold');
        b.write(template, broken);
        expect((await forgeAsync(['containerfile'], { cwd: b.root })).status).toBe(0);
        const r = await forgeAsync(['image'], { cwd: b.root });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/the image build failed at \[\d\/\d\] STEP \d+\/\d+: RUN echo "the forge is cold" && exit 3/);
        expect(r.stderr).toContain('the forge is cold');
        unchanged(b, before);
      },
      LONG,
    );

    it(
      'the Debian archive moves: the build refuses before anything is tagged; a re-lock picks the new version, and only the system layer changes',
      async () => {
        b.git(['checkout', '--', '.']);
        const archive = new LocalArchive(tempDir('lychd-archive-'));
        // The archive serves the base's locked files (clone B fetched them into its cache) beside the
        // test's own packages: the base resolves and builds from it exactly as from Debian's.
        const baseDebs = JSON.parse(b.read('forge/synthesis/debian.lock.json')).base.packages as Array<{
          filename: string;
          sha256: string;
        }>;
        archive.add(baseDebs.map((p) => ({ file: path.join(ownCache, 'debs', `${p.sha256}.deb`), name: path.posix.basename(p.filename) })));
        archive.publish('lychd-hello-data', '1.0-1');
        archive.publish('lychd-hello', '1.0-1', { depends: 'lychd-hello-data' });
        b.write('codex/lychd.toml', `${b.read('codex/lychd.toml')}\n[forge.debian]\narchive = "${archive.uri}"\n`);
        const manifest = JSON.parse(b.read('forge/synthesis.lock.json'));
        manifest.system = [{ name: 'lychd-hello', requestedBy: ['oracle'], spec: 'lychd-hello' }];
        b.write('forge/synthesis.lock.json', `${JSON.stringify(manifest, null, 2)}\n`);
        /** A Forge cache with clone B's base and no .deb files yet: another machine. */
        const freshCache = () => {
          const dir = tempDir('lychd-forge-cache-');
          fs.symlinkSync(path.join(ownCache, 'base'), path.join(dir, 'base'));
          return { LYCHD_FORGE_CACHE: dir };
        };
        const env = freshCache();
        const step = async (args: string[]) => {
          const r = await forgeAsync(args, { cwd: b.root, env });
          expect(r.status, `lychd-forge ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`).toBe(0);
          return r;
        };
        await step(['debian-lock']);
        await step(['containerfile']);
        await step(['image']);
        const locked = summaryOf(b);
        expect(locked.systemPackages).toEqual({ 'lychd-hello': '1.0-1' });
        expect(output(b, locked.imageId, 'cat /usr/share/lychd-hello/version /usr/share/lychd-hello-data/version')).toBe(
          'lychd-hello 1.0-1\nlychd-hello-data 1.0-1\n',
        );

        archive.publish('lychd-hello', '1.1-1', { depends: 'lychd-hello-data' });
        archive.remove('lychd-hello', '1.0-1');
        const before = b.read('dist/forge/image/image.json');
        const refused = await forgeAsync(['image'], { cwd: b.root, env: freshCache() });
        console.log(`[image tests] the archive moved:\n${refused.stderr}`);
        expect(refused.status).toBe(1);
        expect(refused.stderr).toContain(
          `the Debian archive ${archive.uri} no longer serves 1 locked package file(s): nothing was built or tagged`,
        );
        expect(refused.stderr).toMatch(/lychd-hello 1\.0-1 \(all\) is locked, but the archive has no file .*; the archive now has 1\.1-1/);
        expect(refused.stderr).toContain('`lychd-forge debian-lock`');
        expect(refused.stdout).not.toContain('[3/5] buildah bud');
        unchanged(b, before);

        const relocked = await step(['debian-lock']);
        expect(relocked.stdout).toContain('lychd-hello 1.1-1 all');
        await step(['containerfile']);
        await step(['image']);
        const moved = summaryOf(b);
        expect(moved.systemPackages).toEqual({ 'lychd-hello': '1.1-1' });
        expect(moved.diffIds.flatMap((d, i) => (d === locked.diffIds[i] ? [] : [i]))).toEqual([1]);
      },
      LONG,
    );
  });

  it(
    'one build at a time per workspace, and the next build clears what a killed one left in the store',
    async () => {
      const store = buildahOf(a);
      const built = summaryOf(a).imageId;
      // What a build killed mid-step leaves: a working container with its overlay mounted.
      const from = store.run(['from', '--pull-never', built]);
      expect(from.status, from.stderr).toBe(0);
      const container = from.stdout.trim().split('\n').pop()!;
      expect(store.run(['mount', container]).status).toBe(0);

      // Another build holds the workspace's lock: this one refuses at once and touches nothing.
      const holder = spawn('sleep', ['120']);
      const lockDir = path.join(a.root, 'tmp/forge/lock');
      fs.mkdirSync(lockDir, { recursive: true });
      fs.writeFileSync(path.join(lockDir, '.lock-1000'), `${holder.pid}\n`);
      try {
        const busy = await forgeAsync(['image'], { cwd: a.root });
        expect(busy.status).toBe(1);
        expect(busy.stderr).toContain(`waiting for this workspace's image build lock, held by pid ${holder.pid}`);
        expect(store.run(['containers', '--format', '{{.ContainerName}}']).stdout.trim()).toBe(container);
      } finally {
        holder.kill('SIGKILL');
      }

      const again = await forgeAsync(['image'], { cwd: a.root });
      expect(again.status, again.stderr).toBe(0);
      expect(store.run(['containers', '--all', '--quiet']).stdout.trim()).toBe('');
      // Nothing changed in between: the same image again, and what the killed build left is gone.
      expect(summaryOf(a).imageId).toBe(built);
    },
    LONG,
  );
  describe('a link in an extension to a host file', () => {
    const LINK = 'extensions/atelier/src/atelier/shadow.txt';
    const SECRET = `outside-image-secret-${process.pid}`;
    const KEPT = `inside-image-marker-${process.pid}`;
    let secret: string;
    beforeAll(() => {
      secret = path.join(tempDir('lychd-outside-'), 'secret.txt');
      fs.writeFileSync(secret, `${SECRET}\n`);
    });
    const refused = (r: Ran) => {
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain(`${LINK}: error[LYCHD305]: is a symbolic link to ${JSON.stringify(secret)}, outside the component`);
      expect(r.stderr).toContain('nothing was built');
      expect(r.stdout).not.toContain('[1/5]');
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    };

    it('is refused before anything is built: no base step, no context, no buildah store, no image', async () => {
      const fresh = copyWorkspace();
      fs.symlinkSync(secret, path.join(fresh.root, LINK));
      refused(await forgeAsync(['image'], { cwd: fresh.root }));
      expect(fs.existsSync(path.join(fresh.root, 'tmp/forge'))).toBe(false);
      expect(fs.existsSync(path.join(fresh.root, 'dist/forge/image'))).toBe(false);
    });

    it(
      "is refused after earlier builds too, leaving their image; once it is gone, the layers hold the extension's own files and nothing of the outside file",
      async () => {
        const before = a.read('dist/forge/image/image.json');
        fs.symlinkSync(secret, path.join(a.root, LINK));
        refused(await forgeAsync(['image'], { cwd: a.root }));
        expect(a.read('dist/forge/image/image.json')).toBe(before);

        fs.rmSync(path.join(a.root, LINK));
        a.write('extensions/atelier/src/atelier/kept.txt', `${KEPT}\n`);
        const r = await forgeAsync(['image'], { cwd: a.root });
        expect(r.status, r.stdout + r.stderr).toBe(0);
        // The layers are uncompressed tars: a search in them sees every file.
        const dir = path.join(a.root, 'dist/forge/image/oci/blobs/sha256');
        const blobs = fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name)));
        expect(blobs.some((b) => b.includes(KEPT))).toBe(true);
        expect(blobs.some((b) => b.includes(SECRET))).toBe(false);
      },
      LONG,
    );
  });

  it(
    'builds with no system package at all, leaving no working container and nothing mounted',
    async () => {
      await withoutSystemPackages(a);
      const r = await forgeAsync(['image'], { cwd: a.root });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const bare = summaryOf(a);
      expect(bare.systemPackages).toEqual({});
      expect(bare.diffIds.length).toBe(first.diffIds.length - 1);
      expect(buildahOf(a).run(['containers', '--all', '--quiet']).stdout.trim()).toBe('');
      expect(mountsIn(a)).toEqual([]);
    },
    LONG,
  );
});
