import * as fs from 'node:fs';
import * as path from 'node:path';
import { failure } from '../diagnostics';
import { runProgram, runProgramStreamed } from '../toolchain';

/**
 * buildah in a store of the Forge's own, under the workspace's gitignored tmp/: never the
 * system's /var/lib/containers, so a build neither sees nor moves any tag of the host's. Overlay,
 * not vfs: vfs copies the whole root filesystem (650 MB for the example) for every layer.
 */
export class Buildah {
  readonly storeArgs: string[];
  /**
   * An image of this store as skopeo names it. skip_mount_home: skopeo would bind-mount the
   * store's overlay folder on itself and leave it mounted when it exits (buildah unmounts it), so
   * the workspace's tmp/ could not be removed.
   */
  readonly storageRef: (imageId: string) => string;

  constructor(
    readonly bin: string,
    private readonly storeDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    fs.mkdirSync(storeDir, { recursive: true });
    const [root, runroot] = [path.join(storeDir, 'root'), path.join(storeDir, 'runroot')];
    this.storeArgs = ['--root', root, '--runroot', runroot, '--storage-driver', 'overlay'];
    this.storageRef = (imageId) =>
      `containers-storage:[overlay@${root}+${runroot}:overlay.skip_mount_home=true]${imageId.replace(/^sha256:/, '')}`;
  }

  /** One buildah command; its exit status and output, for the caller to judge. */
  run(args: readonly string[], timeoutMs = 600_000) {
    return runProgram(this.bin, [...this.storeArgs, ...args], { env: this.env, timeoutMs });
  }

  /** A long one (bud, push), line by line. */
  stream(args: readonly string[], onLine: (line: string) => void, cwd?: string) {
    return runProgramStreamed(this.bin, [...this.storeArgs, ...args], { env: this.env, onLine, cwd });
  }

  /**
   * Runs a command inside a throwaway container of an image (chroot isolation: see the notes); the
   * image needs /bin/sh. The command's output goes to files in a folder mounted into the container,
   * never through buildah's own stdout: buildah 1.28's chroot runner exits as soon as the command
   * has, without waiting for the thread that relays its output, and under load a command's whole
   * output was lost with exit status 0.
   */
  inside(image: string, command: readonly string[], runArgs: readonly string[] = []) {
    const from = this.run(['from', '--pull-never', image]);
    if (from.status !== 0) throw failure('LYCHD603', `buildah from ${image} failed`, { cause: [from.stderr.trim()] });
    const container = from.stdout.trim().split('\n').pop()!;
    const io = fs.mkdtempSync(path.join(this.storeDir, 'io-'));
    try {
      fs.chmodSync(io, 0o777); // the command may run as the image's own user
      const at = '/run/lychd-io';
      const redirected = ['/bin/sh', '-c', `exec "$@" >${at}/stdout 2>${at}/stderr`, 'sh', ...command];
      const r = this.run(['run', '--isolation', 'chroot', '--volume', `${io}:${at}`, ...runArgs, container, '--', ...redirected]);
      const read = (name: string) => (fs.existsSync(path.join(io, name)) ? fs.readFileSync(path.join(io, name), 'utf8') : '');
      return { status: r.status, stdout: read('stdout'), stderr: read('stderr') + r.stderr };
    } finally {
      this.run(['rm', container]);
      fs.rmSync(io, { recursive: true, force: true });
    }
  }
}
