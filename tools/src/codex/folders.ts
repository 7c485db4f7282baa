import { failure } from '../diagnostics';
import { isSafeRelative } from '../artifacts/patterns';

/**
 * Where a workspace keeps its Codex and its extensions: relative to the workspace root, with
 * forward slashes. The Nx plugin's options in nx.json set it; only nx/ reads nx.json, and the
 * entry points (the tasks, the command line, the executors, the generators) pass it to every
 * stage that reads the workspace (the synthesis, the hooks, the image).
 */
export interface CodexFolders {
  /** Holds the Prime Scroll (`lychd.toml`) and `runes/`. */
  codexDir: string;
  /** Holds one folder per extension. */
  extensionsDir: string;
}

/**
 * The Codex and extensions folders as a command, an Nx task or an executor is given them; a folder
 * left out is the workspace's own (nx.json's, else the default).
 */
export type CodexOptions = Partial<CodexFolders>;

export const DEFAULT_CODEX_FOLDERS: CodexFolders = { codexDir: 'codex', extensionsDir: 'extensions' };

/** The Prime Scroll's file name inside the Codex folder. */
export const PRIME_SCROLL = 'lychd.toml';

const trim = (p: string) => p.replace(/^\.\/+/, '').replace(/\/+$/, '');

/**
 * The folders from options that may leave either out, or write `./codex/`. A folder outside
 * the workspace is refused: every path the Forge records and hashes is workspace-relative.
 */
export function codexFoldersOf(options: Partial<CodexFolders> | undefined): CodexFolders {
  const folder = (key: keyof CodexFolders) => {
    const given = options?.[key] ?? DEFAULT_CODEX_FOLDERS[key];
    const rel = typeof given === 'string' ? trim(given) : '';
    if (!isSafeRelative(rel))
      throw failure('LYCHD802', `the @lychd/forge plugin's option ${key} is ${JSON.stringify(given)}, not a folder inside the workspace`, {
        hint: `set ${key} in nx.json to a path relative to the workspace root, such as "${DEFAULT_CODEX_FOLDERS[key]}"`,
      });
    return rel;
  };
  return { codexDir: folder('codexDir'), extensionsDir: folder('extensionsDir') };
}

/** The Prime Scroll, relative to the workspace root. */
export const primeScrollPath = (folders: CodexFolders): string => `${folders.codexDir}/${PRIME_SCROLL}`;
