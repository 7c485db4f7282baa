import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGE_DIR } from '../../tools/src/image';
import { replaceFileAtomic } from '../../tools/src/shared/fsutil';
import { WORKSPACE } from '../support/codex-fixture';
import { withoutSystemPackages } from '../support/system-packages';
import { copyWorkspace } from '../support/workspace';
import { Buildah, buildImages, importBase } from './images';
import { vmDisk } from './qemu';

/**
 * The packed Forge as installed, one tar in the results share: lib.sh unpacks it once onto the
 * guest's own disk. Its 2,000 small files read over 9p cost 22 s, and every command loading its
 * modules from the share took 2 s longer (measured under TCG).
 */
const INSTALLED_FORGE = 'forge.tar';

/** Where the guest finds the Synthesis Manifest the candidates were built from (lib.sh's CODEX). */
const CANDIDATES_SYNTHESIS = 'synthesis.lock.json';

/** The edit that makes candidate B: one extension's source, nothing the Codex or the lock sees. */
export const EDITED_SOURCE = 'extensions/oracle/src/oracle/__init__.py';

/**
 * The slow, blocking preparation of the VM test, run in child processes so the test worker stays
 * responsive, in two parts:
 * - before the boot, side by side: packForge (the packed Forge) and guestDisk (the cached disk);
 * - while the VM boots: prepareServices (the services' images) and prepareCandidates (both Vessel
 *   candidates). Each is published whole, and the guest waits for each only where it first needs
 *   it (`from_host` in lib.sh): under emulation the boot alone takes a minute.
 *
 * The candidates are the real image of `lychd-forge image`, built in one copy of the workspace:
 * A as it is, B after editing an extension's source (the second build reuses A's layers).
 * The VM runs the Forge as a user installs it (packed, compiled JavaScript), not the checkout's
 * TypeScript: under the VM's emulation compiling the sources on every run took longer than the
 * command's own work.
 */
export function packForge(tmp: string, results: string): string {
  // `npm pack` rebuilds the workspace's tools/dist, as the Nx tier's installed-plugin test does
  // later in the run.
  const installed = path.join(tmp, 'forge');
  installPackedForge(tmp, installed);
  const tar = spawnSync('tar', ['--sort=name', '-cf', path.join(results, INSTALLED_FORGE), '-C', tmp, 'forge'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar of the installed Forge failed: ${tar.stderr}`);
  fs.rmSync(installed, { recursive: true, force: true });
  return INSTALLED_FORGE;
}

/** The VM's disk (scripts/vm-disk.sh, cached): its folder. */
export function guestDisk(): string {
  return vmDisk();
}

/** The services' images (images.ts) from the disk's base, published whole as <results>/images/services. */
export function prepareServices(tmp: string, disk: string, results: string): string {
  const layout = path.join(results, 'images', 'services');
  const b = new Buildah(path.join(tmp, 'buildah'));
  try {
    importBase(b, path.join(disk, 'base.tar'));
    buildImages(b, `${layout}.partial`);
  } finally {
    fs.rmSync(path.join(tmp, 'buildah'), { recursive: true, force: true });
  }
  fs.renameSync(`${layout}.partial`, layout);
  return layout;
}

/**
 * Candidate A, then B, each published whole: its layout and image.json land in
 * <results>/images/candidate-<v> by a rename, then its id in <results>/id-<v>.txt, which the
 * guest waits for.
 *
 * Both are built without the extensions' system packages (ffmpeg, sox, tesseract: 492 of the
 * example image's 686 MB). Under the VM's emulation every megabyte of the Vessel is hashed and
 * unpacked when a candidate is staged, and copied again for the pod's user mapping on its first
 * start; the Gate and the pod do the same with or without them, and the image tier checks them in
 * the built image. The quadlets stay the same (the scenario binds the checkout's); the Synthesis
 * Manifest does not, so it goes into <results>/synthesis.lock.json, which the scenario stages the
 * candidates with.
 */
export async function prepareCandidates(results: string): Promise<void> {
  const ws = copyWorkspace();
  try {
    const synthesis = await withoutSystemPackages(ws);
    replaceFileAtomic(path.join(results, CANDIDATES_SYNTHESIS), synthesis, `${CANDIDATES_SYNTHESIS}.partial`);
    buildVessel(ws.root, results, 'a');
    ws.write(EDITED_SOURCE, `${ws.read(EDITED_SOURCE)}\n# edited for the Rebirth Gate test\n`);
    buildVessel(ws.root, results, 'b');
  } finally {
    fs.rmSync(ws.root, { recursive: true, force: true });
  }
}

/** `npm pack` of the plugin, installed with its dependencies (not Nx, a peer the CLI does not load) into `dir`. */
function installPackedForge(tmp: string, dir: string): void {
  process.stderr.write(`packing the Forge and installing it into ${path.basename(dir)}\n`);
  const npm = (args: string[], cwd: string) => {
    const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const packed = path.join(tmp, 'packed');
  fs.mkdirSync(packed, { recursive: true });
  const out = npm(['pack', '--pack-destination', packed, '--json'], path.join(WORKSPACE, 'tools'));
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as [{ filename: string }];
  fs.mkdirSync(dir, { recursive: true });
  npm(
    [
      'install',
      '--prefix',
      dir,
      path.join(packed, filename),
      '--omit=peer',
      '--legacy-peer-deps',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
    ],
    tmp,
  );
}

/** `lychd-forge image` in the workspace copy, published as candidate `v` (see prepareCandidates). */
function buildVessel(root: string, results: string, v: 'a' | 'b'): void {
  const out = path.join(results, 'images', `candidate-${v}`);
  process.stderr.write(`building the Vessel image into ${path.basename(out)}\n`);
  const r = spawnSync(process.execPath, [path.join(root, 'tools/bin/lychd-forge.js'), 'image'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
    timeout: 1_800_000,
  });
  if (r.status !== 0) throw new Error(`lychd-forge image failed (exit ${r.status ?? r.signal}) in ${root}`);
  fs.cpSync(path.join(root, IMAGE_DIR), `${out}.partial`, { recursive: true });
  fs.renameSync(`${out}.partial`, out);
  const { imageId } = JSON.parse(fs.readFileSync(path.join(out, 'image.json'), 'utf8')) as { imageId: string };
  replaceFileAtomic(path.join(results, `id-${v}.txt`), `${imageId.replace(/^sha256:/, '')}\n`, `id-${v}.txt.partial`);
}
