import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireTool } from '../../tools/src/toolchain';
import { runProgram } from '../../tools/src/toolchain/run';
import { canonicalJson, fileSha256, sha256, treeSha256 } from '../../tools/src/shared/digest';

const STANDIN = path.join(__dirname, 'standin');
// Pinned build flags (../../docs/rebirth.md): same inputs, same image id.
const COMMIT = ['--timestamp', '0', '--identity-label=false'];

/** buildah on a private vfs store under `dir` (never the machine's default store). */
export class Buildah {
  private readonly bin = requireTool('buildah');
  constructor(private readonly dir: string) {}

  run(...args: string[]): string {
    const r = runProgram(
      this.bin,
      ['--root', path.join(this.dir, 'root'), '--runroot', path.join(this.dir, 'run'), '--storage-driver', 'vfs', ...args],
      { timeoutMs: 900_000 },
    );
    if (r.status !== 0) throw new Error(`buildah ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
    return r.stdout.trim();
  }

  /** A working container from `from`, changed by `edit`, committed as `name` and removed. */
  image(from: string, name: string, edit: (c: string) => void): void {
    const c = this.run('from', '--pull=never', from);
    try {
      edit(c);
      this.run('commit', ...COMMIT, c, name);
    } finally {
      this.run('rm', c);
    }
  }
}

/** The Debian base (trixie minbase + python3, made by scripts/vm-disk.sh) as localhost/vm-base. */
export function importBase(b: Buildah, baseTar: string): void {
  b.image('scratch', 'localhost/vm-base', (c) => b.run('add', c, baseTar, '/'));
}

/**
 * STAND-IN for every image no registry can serve here: one image (service.py answers HTTP on
 * the port its arguments or environment name; pg_isready checks a TCP port), pushed to an OCI
 * layout under the ref `standin`. The VM tags it with each name the units use.
 */
export function buildStandIn(b: Buildah, layout: string): void {
  b.image('localhost/vm-base', 'localhost/lychd-standin', (c) => {
    b.run('copy', '--chmod', '0755', c, path.join(STANDIN, 'service.py'), '/usr/local/bin/lychd-standin');
    b.run('copy', '--chmod', '0755', c, path.join(STANDIN, 'pg_isready'), '/usr/bin/pg_isready');
    b.run('config', '--entrypoint', '["python3", "/usr/local/bin/lychd-standin"]', '--cmd', '', '--label', 'org.lychd.standin=true', c);
  });
  b.run('push', 'localhost/lychd-standin', `oci:${layout}:standin`);
}

/** Name and source digest of each extension: what the stand-in Vessel reports on /health. */
export function extensionList(extensionsDir: string): Array<{ name: string; sources: string }> {
  return fs
    .readdirSync(extensionsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, sources: `sha256:${treeSha256(path.join(extensionsDir, e.name, 'src'))}` }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * STAND-IN for forge:image: a Vessel image (vessel.py + the extension list) in an OCI layout at
 * `<out>/oci` (ref `lychd`) with `<out>/image.json` per the image summary contract, labelled with
 * the Synthesis Manifest's digest like the real image.
 */
export function buildStandInVessel(b: Buildah, out: string, extensionsDir: string, synthesisFile: string, baseTar: string): void {
  const synthesis = `sha256:${fileSha256(synthesisFile)}`;
  const list = path.join(out, '.extensions.json');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(list, canonicalJson(extensionList(extensionsDir)));
  const name = `localhost/vessel-standin:${sha256(fs.readFileSync(list)).slice(0, 12)}`;
  b.image('localhost/vm-base', name, (c) => {
    b.run('copy', c, path.join(STANDIN, 'vessel.py'), '/app/vessel.py');
    b.run('copy', c, list, '/app/extensions.json');
    b.run('config', '--entrypoint', '["python3", "/app/vessel.py"]', '--cmd', '', '--label', `org.lychd.synthesis=${synthesis}`, c);
  });
  fs.rmSync(list);
  b.run('push', name, `oci:${path.join(out, 'oci')}:lychd`);
  writeImageSummary(out, synthesis, `sha256:${fileSha256(baseTar)}`, b.run('--version').split(' ')[2] ?? '');
}

function blob(layout: string, digest: string): Buffer {
  return fs.readFileSync(path.join(layout, 'blobs', ...digest.split(':')));
}

/** image.json for the layout at `<out>/oci`, read from the layout itself (contract fields). */
function writeImageSummary(out: string, synthesis: string, baseDigest: string, buildahVersion: string): void {
  const layout = path.join(out, 'oci');
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
  const entry = index.manifests.find((m: { annotations?: Record<string, string> }) => m.annotations?.['org.opencontainers.image.ref.name'] === 'lychd');
  const manifest = JSON.parse(blob(layout, entry.digest).toString('utf8'));
  const config = JSON.parse(blob(layout, manifest.config.digest).toString('utf8'));
  fs.writeFileSync(
    path.join(out, 'image.json'),
    canonicalJson({
      formatVersion: 1,
      strategy: 'mundane',
      imageId: manifest.config.digest,
      manifestDigest: entry.digest,
      diffIds: config.rootfs.diff_ids,
      layout: 'oci',
      refName: 'lychd',
      base: { kind: 'debian', ref: 'trixie', digest: baseDigest },
      systemPackages: {},
      builder: { name: 'buildah', version: buildahVersion },
      synthesis,
    }),
  );
}
