import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buildah } from '../../tools/src/forge/buildah';
import type { ImageSummary } from '../../tools/src/forge';
import { requireTool } from '../../tools/src/toolchain';
import { runAsync, type Ran } from '../support/run';
import { WORKSPACE } from '../support/codex-fixture';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';
import { REQUIRE_TOOLS, skipWithout } from '../toolchain/tool-gate';

/**
 * The example's image, built by real buildah in two clean copies of the workspace, each with its
 * own buildah store and Nx cache; the second also builds its own Debian base (its own
 * LYCHD_FORGE_CACHE), so the base's reproducibility is proved too. Minutes, on purpose.
 */
const notRoot = process.getuid?.() !== 0;
if (notRoot && !REQUIRE_TOOLS)
  console.warn('[image tests] SKIPPING: building the Debian base (mmdebstrap --mode=root) and the image needs root.');
const skip = skipWithout('buildah', 'mmdebstrap', 'uv') || (notRoot && !REQUIRE_TOOLS);
const LONG = 3_600_000;

const temp: string[] = [];
let a: WorkspaceCopy;
let b: WorkspaceCopy;
let first: ImageSummary;

const summaryOf = (ws: WorkspaceCopy) => JSON.parse(ws.read('dist/forge/image/image.json')) as ImageSummary;
const buildahOf = (ws: WorkspaceCopy) => new Buildah(requireTool('buildah'), path.join(ws.root, 'tmp/forge/buildah'));

async function image(ws: WorkspaceCopy, env?: NodeJS.ProcessEnv) {
  const r = await ws.nx(['run', 'forge:image', '--output-style=static'], env);
  if (r.status !== 0) throw new Error(`nx run forge:image failed in ${ws.root}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** `lychd-forge` in a clone, asynchronously: a build takes minutes and the test worker must keep answering. */
function forge(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  return runAsync(process.execPath, [path.join(WORKSPACE, 'tools/bin/lychd-forge.js'), ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
  });
}

/** Runs a shell line inside the image as its own user (or another), through buildah's chroot isolation. */
function inside(ws: WorkspaceCopy, id: string, line: string, user?: string) {
  return buildahOf(ws).inside(id, ['/bin/sh', '-c', line], user ? ['--user', user] : []);
}

describe.skipIf(skip)('the image, built by real buildah', () => {
  beforeAll(async () => {
    a = copyWorkspace();
    const ownBase = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-forge-cache-'));
    temp.push(ownBase);
    b = copyWorkspace({ env: { LYCHD_FORGE_CACHE: ownBase } });
    temp.push(a.root, b.root);
    await image(a);
    await image(b);
    first = summaryOf(a);
  }, LONG);

  afterAll(() => {
    for (const ws of [a, b]) {
      if (!ws) continue;
      buildahOf(ws).run(['rm', '--all']);
      buildahOf(ws).run(['rmi', '--all', '--force']);
    }
    for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is the same image in two clean clones: same ID, same diff_ids, same summary', () => {
    const second = summaryOf(b);
    console.log(`[image tests] clone A ${first.imageId}\n[image tests] clone B ${second.imageId}`);
    expect(second.imageId).toBe(first.imageId);
    expect(second.diffIds).toEqual(first.diffIds);
    expect(second).toEqual(first);
    expect(a.read('dist/forge/image/image.json')).toBe(b.read('dist/forge/image/image.json'));
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

  it('runs as a non-root user, with /app sealed, no .pyc, every extension importable', () => {
    const id = first.imageId;
    expect(inside(a, id, 'id -u').stdout.trim()).toBe('10001');
    const write = inside(a, id, 'touch /app/x 2>&1; touch /app/core/src/lychd_core/x 2>&1; echo done');
    expect(write.stdout).toMatch(/Permission denied[\s\S]*Permission denied[\s\S]*done/);
    expect(inside(a, id, 'find /app ! -type l -perm /222 | head -n 3', '0:0').stdout.trim()).toBe('');
    const imports = inside(a, id, 'python3 -c "import lychd_core, atelier, oracle, scriptorium; print(lychd_core.__doc__)"');
    expect(imports.status, imports.stderr).toBe(0);
    expect(imports.stdout).toBe('The LychD daemon core.\n');
    const pyc = inside(a, id, 'find /app -name "*.pyc" -o -name __pycache__', '0:0');
    expect(pyc.status, pyc.stderr).toBe(0);
    expect(pyc.stdout).toBe('');
  });

  it('holds the system packages and PYTHONDONTWRITEBYTECODE=1, and answers /health listing the extensions', () => {
    const id = first.imageId;
    expect(inside(a, id, 'for c in ffmpeg sox tesseract; do command -v $c; done').stdout.trim().split('\n')).toEqual([
      '/usr/bin/ffmpeg',
      '/usr/bin/sox',
      '/usr/bin/tesseract',
    ]);
    expect(inside(a, id, 'echo "$PYTHONDONTWRITEBYTECODE"').stdout.trim()).toBe('1');
    const port = 20000 + (process.pid % 20000);
    const health = inside(
      a,
      id,
      `LYCHD_PORT=${port} lychd --serve & for i in 1 2 3 4 5 6 7 8 9 10; do python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:${port}/health').read().decode())" 2>/dev/null && break; sleep 1; done; kill $!`,
    );
    const sources = expect.stringMatching(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(health.stdout.trim().split('\n').pop()!)).toEqual({
      extensions: {
        atelier: { capabilities: ['ui.theme'], sources },
        oracle: { capabilities: ['speech.synthesize', 'speech.transcribe'], sources },
        scriptorium: { capabilities: ['document.ocr', 'document.pdf'], sources },
      },
      status: 'ok',
      version: '0.1.0',
    });
  });

  it(
    'is a cache hit after a rune edit; an extension source edit keeps the base, system and dependency layers',
    async () => {
      const rune = 'extensions/oracle/runes/animator/soulstones/generic/whisper.toml';
      a.write(rune, `${a.read(rune)}\n# edited\n`);
      expect(await image(a)).toMatch(/nx run forge:image\s+\[(local cache|existing outputs match the cache, left as is)\]/);
      expect(summaryOf(a).imageId).toBe(first.imageId);

      const source = 'extensions/oracle/src/oracle/__init__.py';
      a.write(source, `${a.read(source)}\n\nEDITED = True\n`);
      await image(a);
      const edited = summaryOf(a);
      expect(edited.imageId).not.toBe(first.imageId);
      // Layers: base, system packages, user, the venv, the uv workspace, core, atelier, oracle, scriptorium, the Seal.
      expect(edited.diffIds).toHaveLength(10);
      const changed = edited.diffIds.flatMap((d, i) => (d === first.diffIds[i] ? [] : [i]));
      expect(changed).toEqual([7]);
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
      const r = await forge(['image'], { cwd: b.root, env: { LYCHD_BUILDAH: path.join(b.root, 'no-buildah') } });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('buildah not found');
      expect(r.stderr).toContain('apt-get install buildah');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      unchanged(b, before);
    });

    it(
      'a system package Debian does not have, named with the extension and file:line',
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
        expect((await forge(['containerfile'], { cwd: b.root })).status).toBe(0);
        const line =
          b
            .read(pyproject)
            .split('\n')
            .findIndex((l) => l.includes('lychd-no-such-package')) + 1;
        const r = await forge(['image'], { cwd: b.root });
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(
          `${pyproject}:${line}: error: Debian bookworm has no package "lychd-no-such-package" (asked for by extension oracle) [tool.lychd.system-dependencies]`,
        );
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
        expect((await forge(['containerfile'], { cwd: b.root })).status).toBe(0);
        const r = await forge(['image'], { cwd: b.root });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/the image build failed at \[\d\/\d\] STEP \d+\/\d+: RUN echo "the forge is cold" && exit 3/);
        expect(r.stderr).toContain('the forge is cold');
        unchanged(b, before);
      },
      LONG,
    );
  });
});
