import { isFamilyAnchor } from '../codex/anchors';
import type { ForgePluginOptions } from './plugin';

/** Where the plugin reads and writes, relative to the workspace root. */
export interface ForgeLayout {
  codexDir: string;
  extensionsDir: string;
  /** Intermediate task outputs (gitignored). */
  distDir: string;
  /** Facts the `codex:context` task extracts for the tasks after it. */
  contextDir: string;
  /** The assembled generation of Quadlets that `bind` installs. */
  generationDir: string;
}

const trim = (p: string) => p.replace(/^\.\/+/, '').replace(/\/+$/, '');

export function layoutFrom(options: ForgePluginOptions | undefined): ForgeLayout {
  const distDir = 'dist/forge';
  return {
    codexDir: trim(options?.codexDir ?? 'codex'),
    extensionsDir: trim(options?.extensionsDir ?? 'extensions'),
    distDir,
    contextDir: `${distDir}/context`,
    generationDir: 'quadlets/generation',
  };
}

/** The whole-Codex files of a generation, each its own cached task (`quadlets:scribe-<part>`). */
export const AGGREGATES = ['pod', 'core', 'observability', 'capabilities'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const factsFile = (layout: ForgeLayout, name: string) => `${layout.contextDir}/${name}.json`;

/** A rune folder's units, as one JSON file: a no-op run restores one file per folder, not one per rune. */
export const runeOutputFile = (layout: ForgeLayout, project: string) => `${layout.distDir}/runes/${project}.json`;

export interface RuneFolder {
  /** Relative to the workspace root. */
  folder: string;
  /** `runes-<family folder>` (`runes-vllm`, `runes-portals`), `runes-<extension>-<family folder>` for an extension's. */
  project: string;
}

/**
 * The rune folder a file belongs to: a family's anchor folder in the Codex or in an extension,
 * holding the file directly. Other TOML files under `runes/` belong to no rune folder: the Codex
 * validation reports them as misplaced.
 */
export function runeFolderOf(layout: ForgeLayout, file: string): RuneFolder | undefined {
  const folder = file.slice(0, file.lastIndexOf('/'));
  const codexRunes = `${layout.codexDir}/runes/`;
  const extMatch = folder.startsWith(`${layout.extensionsDir}/`) ? folder.slice(layout.extensionsDir.length + 1).split('/') : undefined;
  const ext = extMatch && extMatch[1] === 'runes' ? extMatch[0] : undefined;
  const runeRoot = ext ? `${layout.extensionsDir}/${ext}/runes/` : codexRunes;
  if (!folder.startsWith(runeRoot) || !isFamilyAnchor(folder.slice(runeRoot.length))) return undefined;
  return { folder, project: `runes-${ext ? `${ext}-` : ''}${folder.slice(folder.lastIndexOf('/') + 1)}` };
}

/**
 * The plugin's own code is part of every hash it drives: Nx does not hash the code a command
 * runs, and an edited task must never give a stale cache hit.
 */
export function pluginInputs() {
  return ['{workspaceRoot}/tools/src/**/*', '{workspaceRoot}/tools/bin/**/*', '{workspaceRoot}/tools/package.json', pluginPackages()];
}

/** The npm packages the plugin's code runs on. */
export function pluginPackages() {
  return { externalDependencies: ['zod', 'smol-toml', 'toml-eslint-parser', 'nunjucks', 'semver', 'ajv'] };
}
