import * as path from 'node:path';
import { loadAndReport, type Codex } from '../codex';
import { federationInput } from '../federation/registry';

/** One Forge task of the Nx graph: its options (from the plugin), the workspace root; true on success. */
export type Task<O> = (options: O, root: string) => boolean | Promise<boolean>;

export interface CodexOptions {
  codexDir: string;
  extensionsDir: string;
}

/** Loads the workspace's Codex for a task, reporting every problem; undefined when invalid. */
export function loadForTask(options: CodexOptions, root: string): Codex | undefined {
  const extensionsDir = path.join(root, options.extensionsDir);
  return loadAndReport(
    { codexDir: path.join(root, options.codexDir), extensionsDir, federation: federationInput(root, extensionsDir) },
    (line) => console.error(line),
    root,
  );
}
