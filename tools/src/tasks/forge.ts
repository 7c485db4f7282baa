import * as path from 'node:path';
import { canonicalJson } from '../shared/digest';
import { BASE_RECORD_FILE, readForgeSources, workspaceBase } from '../image';
import type { Task } from './task';
import { writeOutputFile } from '../shared/fsutil';
import { runContainerfile, runDebianLock, runImage } from '../cli/image';

export interface ForgeTaskOptions {
  stage: 'base' | 'debian-lock' | 'containerfile' | 'containerfile-check' | 'image';
  codexDir?: string;
}

/** `forge:base`, `forge:debian-lock`, `forge:containerfile` (and its check) and `forge:image`: one stage per target. */
export const forgeTask: Task<ForgeTaskOptions> = async (options, root, progress) => {
  const codexDir = options.codexDir ? path.join(root, options.codexDir) : undefined;
  switch (options.stage) {
    case 'base': {
      const base = await workspaceBase(readForgeSources(root, codexDir), progress);
      writeOutputFile(path.join(root, BASE_RECORD_FILE), canonicalJson(base.record));
      return { ok: true, summary: `Base ${base.record.kind} ${base.record.ref}: ${base.record.digest}` };
    }
    case 'debian-lock':
      return runDebianLock(root, codexDir, false, progress);
    case 'containerfile':
    case 'containerfile-check':
      return runContainerfile(root, codexDir, options.stage === 'containerfile-check', progress);
    case 'image':
      return runImage(root, codexDir, progress);
  }
};
