import * as path from 'node:path';
import { canonicalJson } from '../shared/digest';
import { BASE_RECORD_FILE, buildImage, CONTAINERFILE, IMAGE_DIR, readForgeSources, writeContainerfile } from '../forge';
import { DEBIAN_LOCK_FILE, lockDebianPackages, workspaceBase } from '../forge/debian-lock';
import type { Task } from './task';
import { writeOutputFile } from '../shared/fsutil';
import { nxRun } from '../nx/names';

export interface ForgeTaskOptions {
  stage: 'base' | 'debian-lock' | 'containerfile' | 'containerfile-check' | 'image';
  codexDir?: string;
}

/** `forge:base`, `forge:debian-lock`, `forge:containerfile` (and its check) and `forge:image`: one stage per target. */
export const forge: Task<ForgeTaskOptions> = async (options, root) => {
  const progress = (line: string) => console.log(line);
  const sources = readForgeSources(root, options.codexDir ? path.join(root, options.codexDir) : undefined);
  switch (options.stage) {
    case 'base': {
      const base = await workspaceBase(sources, progress);
      writeOutputFile(path.join(root, BASE_RECORD_FILE), canonicalJson(base.record));
      console.log(`Base ${base.record.kind} ${base.record.ref}: ${base.record.digest}`);
      return true;
    }
    case 'debian-lock': {
      const { lock, changed } = await lockDebianPackages({ sources, check: false, progress });
      console.log(`${changed ? 'Wrote' : 'Unchanged:'} ${DEBIAN_LOCK_FILE} (${lock.packages.length} package(s))`);
      return true;
    }
    case 'containerfile':
    case 'containerfile-check': {
      const check = options.stage === 'containerfile-check';
      const r = await writeContainerfile(root, sources, check, progress);
      if (!r.ok)
        console.error(
          `${CONTAINERFILE} is not current: run \`lychd-forge containerfile\` (${nxRun('forge', 'containerfile', root)}) and commit it.`,
        );
      else console.log(check ? `${CONTAINERFILE} is current.` : `${r.changed ? 'Wrote' : 'Unchanged:'} ${CONTAINERFILE}`);
      return r.ok;
    }
    case 'image': {
      const s = await buildImage({ workspaceRoot: root, sources, progress });
      console.log(`Image ${s.imageId} (${s.diffIds.length} layers) in ${IMAGE_DIR}/oci, summary ${IMAGE_DIR}/image.json`);
      return true;
    }
  }
};
