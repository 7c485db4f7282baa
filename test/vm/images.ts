import * as path from 'node:path';
import { requireTool } from '../../tools/src/toolchain';
import { runProgram } from '../../tools/src/toolchain/run';

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
 * the port its arguments or environment name; pg_isready checks a TCP port; curl fetches a URL), pushed to an OCI
 * layout under the ref `standin`. The VM tags it with each name the units use.
 */
export function buildStandIn(b: Buildah, layout: string): void {
  b.image('localhost/vm-base', 'localhost/lychd-standin', (c) => {
    b.run('copy', '--chmod', '0755', c, path.join(STANDIN, 'service.py'), '/usr/local/bin/lychd-standin');
    b.run('copy', '--chmod', '0755', c, path.join(STANDIN, 'pg_isready'), '/usr/bin/pg_isready');
    // The engines' health checks call curl, which the engine images ship and the base lacks.
    b.run('copy', '--chmod', '0755', c, path.join(STANDIN, 'curl'), '/usr/bin/curl');
    b.run('config', '--entrypoint', '["python3", "/usr/local/bin/lychd-standin"]', '--cmd', '', '--label', 'org.lychd.standin=true', c);
  });
  b.run('push', 'localhost/lychd-standin', `oci:${layout}:standin`);
}
