import * as path from 'node:path';
import { loadAndReport, type Codex, type CodexLayout } from '../codex';
import { federationInput } from '../codex/registry';

/** One Forge task of the Nx graph: its options (from the plugin), the workspace root; true on success. */
export type Task<O> = (options: O, root: string) => boolean | Promise<boolean>;

/** The workspace's layout, as the plugin's options set it. */
export type CodexOptions = CodexLayout;

/** Loads the workspace's Codex for a task, reporting every problem; undefined when invalid. */
export function loadForTask(options: CodexOptions, root: string): Codex | undefined {
  const extensionsDir = path.join(root, options.extensionsDir);
  return loadAndReport(
    { codexDir: path.join(root, options.codexDir), extensionsDir, federation: federationInput(root, extensionsDir, options) },
    (line) => console.error(line),
    root,
  );
}
