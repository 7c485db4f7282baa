import * as fs from 'node:fs';
import * as path from 'node:path';
import { Buildah, buildStandIn, buildStandInVessel, importBase } from './images';
import { vmDisk } from './qemu';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The slow, blocking preparation of the VM test (the cached disk, the stand-in images and both
 * Vessel candidates), run in a child process so the test worker stays responsive. Prints the
 * disk folder as its last line.
 */
export function prepare(tmp: string, results: string): string {
  const disk = vmDisk();
  const base = path.join(disk, 'base.tar');
  const b = new Buildah(path.join(tmp, 'buildah'));
  try {
    importBase(b, base);
    buildStandIn(b, path.join(results, 'images', 'standins'));
    // Candidate A: the workspace's extensions. Candidate B: the same with one source file edited.
    // To use the real image, replace these two calls with forge:image's dist/forge/image output
    // of each workspace (see docs/rebirth.md).
    const synthesis = path.join(ROOT, 'forge', 'synthesis.lock.json');
    buildStandInVessel(b, path.join(results, 'images', 'candidate-a'), path.join(ROOT, 'extensions'), synthesis, base);
    const edited = path.join(tmp, 'extensions-b');
    fs.cpSync(path.join(ROOT, 'extensions'), edited, { recursive: true });
    fs.appendFileSync(path.join(edited, 'oracle', 'src', 'oracle', '__init__.py'), '\n# edited for the Rebirth Gate test\n');
    buildStandInVessel(b, path.join(results, 'images', 'candidate-b'), edited, synthesis, base);
  } finally {
    fs.rmSync(path.join(tmp, 'buildah'), { recursive: true, force: true });
  }
  return disk;
}

