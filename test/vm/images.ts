import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireTool } from '../../tools/src/toolchain';
import { runProgram } from '../../tools/src/toolchain/run';
import { tempDir } from '../support/temp';

const STANDIN = path.join(__dirname, 'standin');
const SERVICES = path.join(__dirname, 'services');
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

  /**
   * An image of this store into an OCI layout with uncompressed layers, as the Forge writes its
   * own (skopeo: `buildah push --disable-compression` still gzips into an OCI layout).
   */
  pushUncompressed(image: string, layout: string, ref: string): void {
    const store = `containers-storage:[vfs@${path.join(this.dir, 'root')}+${path.join(this.dir, 'run')}]${image}`;
    const r = runProgram(
      requireTool('skopeo'),
      ['copy', '--quiet', '--dest-oci-accept-uncompressed-layers', store, `oci:${layout}:${ref}`],
      {
        timeoutMs: 900_000,
      },
    );
    if (r.status !== 0) throw new Error(`skopeo copy ${image} failed (exit ${r.status}): ${r.stderr}`);
  }

  /**
   * Removes paths (a trailing `*`: every name in that folder starting so) from a working
   * container's root, through its vfs folder (`buildah run` cannot work in this sandbox): the
   * committed layer holds their whiteouts.
   */
  remove(container: string, paths: readonly string[]): void {
    const root = this.run('mount', container);
    try {
      for (const p of paths) {
        const [dir, name] = [path.join(root, path.dirname(p)), path.basename(p)];
        const names = name.endsWith('*')
          ? fs.readdirSync(dir).filter((n) => n.startsWith(name.slice(0, -1)))
          : [name].filter((n) => fs.existsSync(path.join(dir, n)));
        if (names.length === 0) throw new Error(`${p} is not in the image's base: the list in images.ts is out of date`);
        for (const n of names) fs.rmSync(path.join(dir, n), { recursive: true });
      }
    } finally {
      this.run('umount', container);
    }
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

/** The Debian base (trixie minbase with python3, PostgreSQL and Prometheus, made by scripts/vm-disk.sh) as localhost/vm-base. */
export function importBase(b: Buildah, baseTar: string): void {
  b.image('scratch', 'localhost/vm-base', (c) => b.run('add', c, baseTar, '/'));
}

/** The refs of the test's images in their one OCI layout: every image shares the base layer. */
export const IMAGE_REFS = { standin: 'standin', phylactery: 'phylactery', harvester: 'harvester' } as const;

/**
 * What of the shared base each image never runs, removed from it: the pod's keep-id mapping makes
 * rootless podman copy every file an image shows (a chown through an overlay mount of all its
 * layers), once per image, and under the VM's emulation that copy is a large part of the pod's first start.
 * Prometheus is a static program; ICU is PostgreSQL's alone.
 */
const PROMETHEUS = ['usr/bin/prometheus'];
const POSTGRESQL = ['usr/lib/postgresql', 'usr/lib/x86_64-linux-gnu/libicu*'];
const PYTHON = ['usr/lib/python3.13', 'usr/bin/python3.13'];

/**
 * The test's images, uncompressed (the VM would spend its time unpacking) in one OCI layout:
 * - `standin`: STAND-IN for every image no registry can serve here (service.py answers HTTP on
 *   the port its arguments or environment name; pg_isready checks a TCP port; curl fetches a URL).
 *   The VM tags it with each name the units use.
 * - `phylactery`: the real PostgreSQL 17 with pgvector from Debian's packages, run by
 *   services/phylactery.sh under the contract of the image the Codex names.
 * - `harvester`: the real Prometheus from Debian's package, as the Codex's image runs it
 *   (entry point prometheus, user nobody, the unit's arguments).
 */
export function buildImages(b: Buildah, layout: string): void {
  b.image('localhost/vm-base', 'localhost/lychd-standin', (c) => {
    b.remove(c, [...PROMETHEUS, ...POSTGRESQL]);
    b.run('copy', '--chmod', '0755', c, path.join(STANDIN, 'service.py'), '/usr/local/bin/lychd-standin');
    b.run('copy', '--chmod', '0755', c, path.join(STANDIN, 'pg_isready'), '/usr/bin/pg_isready');
    // The engines' health checks call curl, which the engine images ship and the base lacks.
    b.run('copy', '--chmod', '0755', c, path.join(STANDIN, 'curl'), '/usr/bin/curl');
    b.run('config', '--entrypoint', '["python3", "/usr/local/bin/lychd-standin"]', '--cmd', '', '--label', 'org.lychd.standin=true', c);
  });
  b.image('localhost/vm-base', 'localhost/lychd-phylactery', (c) => {
    b.remove(c, [...PROMETHEUS, ...PYTHON]);
    b.run('copy', '--chmod', '0755', c, path.join(SERVICES, 'phylactery.sh'), '/usr/local/bin/phylactery');
    // The socket folder, writable by any user (3777, as in the official image): under the pod's
    // keep-id the server runs as the mapped user, not as postgres.
    b.run('add', c, socketFolderTar(), '/');
    b.run(
      'config',
      '--entrypoint',
      '["/usr/local/bin/phylactery"]',
      '--cmd',
      '',
      '--env',
      'PGDATA=/var/lib/postgresql/data',
      '--env',
      'PATH=/usr/lib/postgresql/17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--stop-signal',
      'SIGINT',
      c,
    );
  });
  b.image('localhost/vm-base', 'localhost/lychd-harvester', (c) => {
    b.remove(c, [...POSTGRESQL, ...PYTHON]);
    // /prometheus is the unit's volume (:U gives it to nobody); podman makes the mount point.
    b.run('config', '--entrypoint', '["/usr/bin/prometheus"]', '--cmd', '', '--user', 'nobody', '--workingdir', '/prometheus', c);
  });
  for (const [name, ref] of Object.entries(IMAGE_REFS)) b.pushUncompressed(`localhost/lychd-${name}`, layout, ref);
}

/** A tar holding `run/postgresql/` with mode 3777 (buildah cannot run a command in this sandbox). */
function socketFolderTar(): string {
  const dir = tempDir('lychd-vm-pgrun-');
  fs.mkdirSync(path.join(dir, 'run', 'postgresql'), { recursive: true });
  fs.chmodSync(path.join(dir, 'run', 'postgresql'), 0o3777);
  const tar = path.join(dir, 'run.tar');
  const r = runProgram('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', tar, './run']);
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return tar;
}
