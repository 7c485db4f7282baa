import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buildah } from '../../tools/src/image/buildah';
import { requireTool } from '../../tools/src/toolchain';
import { runAsync, type Ran } from '../support/run';
import { WORKSPACE } from '../support/codex-fixture';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';
import { REQUIRE_TOOLS, skipWithout } from '../toolchain/tool-gate';
import { tempDir } from '../support/temp';

/**
 * A host file never reaches the image through a link in an extension (the tree rule,
 * artifacts/tree.ts), checked with the real image build: a hostile link stops `lychd-forge image`
 * before anything is built, and a legitimate build's layers are searched for the outside file.
 */
const notRoot = process.getuid?.() !== 0;
const skip = skipWithout('buildah', 'skopeo', 'mmdebstrap', 'uv') || (notRoot && !REQUIRE_TOOLS);
const LONG = 3_600_000;

const SECRET = `outside-image-secret-${process.pid}`;
const KEPT = `inside-image-marker-${process.pid}`;
const LINK = 'extensions/atelier/src/atelier/shadow.txt';

let ws: WorkspaceCopy;
let outside: string;

const image = (): Promise<Ran> =>
  runAsync(process.execPath, [path.join(WORKSPACE, 'tools/bin/lychd-forge.js'), 'image'], { cwd: ws.root, env: process.env });

/** Every blob of the OCI layout (its layers are uncompressed tars: a search in them sees every file). */
function layoutBlobs(): Buffer[] {
  const dir = path.join(ws.root, 'dist/forge/image/oci/blobs/sha256');
  return fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name)));
}

describe.skipIf(skip)('a link to a host file, and the real image build', () => {
  beforeAll(() => {
    ws = copyWorkspace();
    outside = tempDir('lychd-outside-');
    fs.writeFileSync(path.join(outside, 'secret.txt'), `${SECRET}\n`);
  });
  afterAll(() => {
    const store = path.join(ws.root, 'tmp/forge/buildah');
    if (fs.existsSync(store)) {
      const buildah = new Buildah(requireTool('buildah'), store);
      buildah.run(['rm', '--all']);
      buildah.run(['rmi', '--all', '--force']);
    }
    fs.rmSync(ws.root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it(
    'is refused before anything is built: no base step, no context, no buildah store, no image',
    async () => {
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws.root, LINK));
      const r = await image();
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `${LINK}: error[LYCHD305]: is a symbolic link to ${JSON.stringify(path.join(outside, 'secret.txt'))}, outside the component`,
      );
      expect(r.stderr).toContain('nothing was built');
      expect(r.stdout).not.toContain('[1/5]');
      expect(fs.existsSync(path.join(ws.root, 'tmp/forge'))).toBe(false);
      expect(fs.existsSync(path.join(ws.root, 'dist/forge/image'))).toBe(false);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    },
    LONG,
  );

  it(
    "once the link is gone, the build's layers hold the extension's own files and nothing of the outside file",
    async () => {
      fs.rmSync(path.join(ws.root, LINK), { force: true });
      fs.writeFileSync(path.join(ws.root, 'extensions/atelier/src/atelier/kept.txt'), `${KEPT}\n`);
      const r = await image();
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const blobs = layoutBlobs();
      expect(blobs.some((b) => b.includes(KEPT))).toBe(true);
      expect(blobs.some((b) => b.includes(SECRET))).toBe(false);
    },
    LONG,
  );
});
