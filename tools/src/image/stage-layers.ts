import * as fs from 'node:fs';
import { runProgramAsync } from '../toolchain';
import { linkLayers } from './oci-layout';

/** buildah's line for a stage that starts from an earlier stage of the same build, by its image ID. */
const FROM_STAGE = /^(?:\[\d+\/\d+\] )?STEP 1\/\d+: FROM ([0-9a-f]{64})(?: AS \S+)?$/;

/**
 * Writes the layers of the build's finished stages into a scratch OCI layout while buildah goes
 * on with the later stages, so that writing the image's layout afterwards finds them written:
 * the base and the system packages, most of the image's bytes, share the stages' layers. Each
 * stage a later one starts FROM is copied once, one copy at a time; the layers the previous
 * image's layout holds are linked in first, so an unchanged stage costs skopeo a lookup.
 * Only a head start: a copy that fails is ignored, and the final copy writes what is missing.
 */
export class StageLayers {
  private readonly seen = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly copy: (imageId: string, dest: string) => Promise<unknown>,
    previous: string,
  ) {
    fs.rmSync(dir, { recursive: true, force: true });
    linkLayers(previous, dir);
  }

  /** One line of buildah's output: a FROM of an earlier stage queues that stage's copy. */
  onLine(line: string): void {
    const id = FROM_STAGE.exec(line)?.[1];
    if (!id || this.seen.has(id)) return;
    this.seen.add(id);
    this.queue = this.queue
      .then(() => this.copy(id, `oci:${this.dir}:${id}`))
      .then(
        () => {},
        () => {},
      );
  }

  /** Waits for the copies under way. */
  settled(): Promise<void> {
    return this.queue;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The skopeo copy StageLayers runs: a stage image of buildah's store into a layout, layers uncompressed. */
export const skopeoCopy =
  (skopeo: string, storageRef: (imageId: string) => string, env?: NodeJS.ProcessEnv) => (imageId: string, dest: string) =>
    runProgramAsync(skopeo, ['copy', '--quiet', '--dest-oci-accept-uncompressed-layers', storageRef(imageId), dest], {
      env,
      timeoutMs: 3_600_000,
    });
