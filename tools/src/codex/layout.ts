/**
 * Where a workspace keeps its Codex and its extensions: relative to the workspace root, with
 * forward slashes. The Nx plugin's options set it, and every reader of the workspace (the tasks,
 * the command line, the synthesis, the hooks) takes it from there.
 */
export interface CodexLayout {
  /** Holds the Prime Scroll (`lychd.toml`) and `runes/`. */
  codexDir: string;
  /** Holds one folder per extension. */
  extensionsDir: string;
}

export const DEFAULT_LAYOUT: CodexLayout = { codexDir: 'codex', extensionsDir: 'extensions' };

/** The Prime Scroll's file name inside the Codex folder. */
export const PRIME_SCROLL = 'lychd.toml';

const trim = (p: string) => p.replace(/^\.\/+/, '').replace(/\/+$/, '');

/** A layout from options that may leave either folder out, or write `./codex/`. */
export function layoutOf(options: Partial<CodexLayout> | undefined): CodexLayout {
  return { codexDir: trim(options?.codexDir ?? DEFAULT_LAYOUT.codexDir), extensionsDir: trim(options?.extensionsDir ?? DEFAULT_LAYOUT.extensionsDir) };
}

/** The Prime Scroll, relative to the workspace root. */
export const primeScrollPath = (layout: CodexLayout): string => `${layout.codexDir}/${PRIME_SCROLL}`;
