import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgramAsync } from '../toolchain';
import { linkLayers, skopeoCopyArgs } from './oci-layout';

/** buildah's line for a stage that starts from an earlier stage of the same build, by its image ID. */
const FROM_STAGE = /^(?:\[\d+\/\d+\] )?STEP 1\/\d+: FROM ([0-9a-f]{64})(?: AS \S+)?$/;

/** A stage image of the build copied into a layout; true when it was copied whole. */
export type StageCopy = (imageId: string, dest: string) => Promise<boolean>;

/**
 * Writes the layers of the build's finished stages into a scratch OCI layout while buildah goes
 * on with the later stages, so that writing the image's layout afterwards finds them written:
 * the base and the system packages, most of the image's bytes, share the stages' layers. Each
 * stage a later one starts FROM is copied once, one copy at a time; the layers the previous
 * image's layout holds are linked in first, so an unchanged stage costs skopeo a lookup.
 * Only a head start: a copy that fails is left out, and the final copy writes what is missing.
 */
export class StageLayers {
  /** This build's scratch layout: a folder of its own, so that a killed build's copy still running cannot write into it. */
  readonly dir: string;
  /** Stage images copied whole so far. */
  copied = 0;
  private readonly seen = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    workDir: string,
    private readonly copy: StageCopy,
    previous: string,
  ) {
    fs.mkdirSync(workDir, { recursive: true });
    for (const name of fs.readdirSync(workDir)) if (name.startsWith('stages-')) removeQuietly(path.join(workDir, name));
    this.dir = fs.mkdtempSync(path.join(workDir, 'stages-'));
    linkLayers(previous, this.dir);
  }

  /** One line of buildah's output: a FROM of an earlier stage queues that stage's copy. */
  onLine(line: string): void {
    const id = FROM_STAGE.exec(line)?.[1];
    if (!id || this.seen.has(id)) return;
    this.seen.add(id);
    this.queue = this.queue
      .then(async () => {
        if (!this.stopped && (await this.copy(id, `oci:${this.dir}:${id}`))) this.copied++;
      })
      .catch(() => {});
  }

  /** Waits for every queued copy: the build succeeded and its layout is next. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** The build is over either way: starts no further copy, waits for the one under way, removes the scratch layout. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.queue;
    removeQuietly(this.dir);
  }
}

/** A leftover the next build removes again if this one cannot. */
function removeQuietly(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // a killed build's skopeo still writing there
  }
}

/** The copy StageLayers runs: a stage image of buildah's store into the scratch layout, as writeLayout copies. */
export const skopeoCopy =
  (skopeo: string, storageRef: (imageId: string) => string, env?: NodeJS.ProcessEnv): StageCopy =>
  async (imageId, dest) =>
    (await runProgramAsync(skopeo, skopeoCopyArgs(storageRef(imageId), dest), { env, timeoutMs: 3_600_000 })).status === 0;
