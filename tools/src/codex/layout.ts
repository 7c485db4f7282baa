import * as fs from 'node:fs';
import * as path from 'node:path';
import { failure } from '../diagnostics';
import { isSafeRelative } from '../artifacts/patterns';

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

/**
 * The Codex and extensions folders as a command, an Nx task or an executor is given them; a folder
 * left out is the workspace's own (nx.json's, else the default).
 */
export type CodexOptions = Partial<CodexLayout>;

export const DEFAULT_LAYOUT: CodexLayout = { codexDir: 'codex', extensionsDir: 'extensions' };

/** The Prime Scroll's file name inside the Codex folder. */
export const PRIME_SCROLL = 'lychd.toml';

const trim = (p: string) => p.replace(/^\.\/+/, '').replace(/\/+$/, '');

/**
 * A layout from options that may leave either folder out, or write `./codex/`. A folder outside
 * the workspace is refused: every path the Forge records and hashes is workspace-relative.
 */
export function layoutOf(options: Partial<CodexLayout> | undefined): CodexLayout {
  const folder = (key: keyof CodexLayout) => {
    const given = options?.[key] ?? DEFAULT_LAYOUT[key];
    const rel = typeof given === 'string' ? trim(given) : '';
    if (!isSafeRelative(rel))
      throw failure('LYCHD802', `the @lychd/forge plugin's option ${key} is ${JSON.stringify(given)}, not a folder inside the workspace`, {
        hint: `set ${key} in nx.json to a path relative to the workspace root, such as "${DEFAULT_LAYOUT[key]}"`,
      });
    return rel;
  };
  return { codexDir: folder('codexDir'), extensionsDir: folder('extensionsDir') };
}

/** This package's name: its entry in nx.json's `plugins`. */
export const PLUGIN_NAME = '@lychd/forge';

/** The workspace's layout, from its nx.json entry for this plugin; the default layout without one. */
export function workspaceLayout(workspaceRoot: string): CodexLayout {
  return layoutOfNxJson(readNxJson(workspaceRoot));
}

/** The layout nx.json's entry for this plugin sets. */
export function layoutOfNxJson(nxJson: unknown): CodexLayout {
  return layoutOf(pluginOptionsOfNxJson(nxJson));
}

/** The options of nx.json's entry for this plugin, unchecked; undefined without one. */
export function pluginOptionsOfNxJson(nxJson: unknown): Record<string, unknown> | undefined {
  const plugins = (nxJson as { plugins?: unknown } | undefined)?.plugins;
  const entry = (Array.isArray(plugins) ? plugins : []).find(
    (p) => typeof p === 'object' && p !== null && (p as { plugin?: unknown }).plugin === PLUGIN_NAME,
  ) as { options?: Record<string, unknown> } | undefined;
  return entry?.options;
}

/** The workspace's nx.json, parsed; undefined when there is none or it cannot be read (Nx itself reports that). */
export function readNxJson(workspaceRoot: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'nx.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The Prime Scroll, relative to the workspace root. */
export const primeScrollPath = (layout: CodexLayout): string => `${layout.codexDir}/${PRIME_SCROLL}`;
