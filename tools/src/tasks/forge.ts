import * as path from 'node:path';
import { canonicalJson } from '../shared/digest';
import { BASE_RECORD_FILE, readForgeSources, workspaceBase } from '../image';
import type { CodexOptions } from '../codex/folders';
import { taskPaths, type Task } from './task';
import { writeOutputFile } from '../shared/fsutil';
import { runContainerfile, runDebianLock, runImage } from '../cli/image';

export interface ForgeTaskOptions extends CodexOptions {
  stage: 'base' | 'debian-lock' | 'containerfile' | 'containerfile-check' | 'image';
}

/** `forge:base`, `forge:debian-lock`, `forge:containerfile` (and its check) and `forge:image`: one stage per target. */
export const forgeTask: Task<ForgeTaskOptions> = async (options, root, progress) => {
  const paths = taskPaths(options, root);
  switch (options.stage) {
    case 'base': {
      const base = await workspaceBase(readForgeSources(paths.workspaceRoot, paths.codexDir), progress);
      writeOutputFile(path.join(root, BASE_RECORD_FILE), canonicalJson(base.record));
      return { ok: true, summary: `Base ${base.record.kind} ${base.record.ref}: ${base.record.digest}` };
    }
    case 'debian-lock':
      return runDebianLock(paths, false, progress);
    case 'containerfile':
    case 'containerfile-check':
      return runContainerfile(paths, options.stage === 'containerfile-check', progress);
    case 'image':
      return runImage(paths, progress);
  }
};
