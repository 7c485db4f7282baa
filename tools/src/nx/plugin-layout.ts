import * as path from 'node:path';
import * as fs from 'node:fs';
import { isFamilyAnchor } from '../codex/anchors';
import { codexFoldersOf, type CodexFolders } from '../codex/folders';
import { projectName, projectPrefixOf } from './names';
import { pluginOptionsOfNxJson, readNxJson } from './nx-json';
import { CONTEXT_DIR, DIST_DIR, factsFileName, GENERATION_DIR, RUNE_UNITS_DIR } from '../artifacts/paths';
export { projectName };

/** The workspace's Codex folders, from its nx.json entry for this plugin; the default ones without one. */
export function workspaceCodexFolders(workspaceRoot: string): CodexFolders {
  return codexFoldersOfNxJson(readNxJson(workspaceRoot));
}

/** The Codex folders nx.json's entry for this plugin sets. */
export function codexFoldersOfNxJson(nxJson: unknown): CodexFolders {
  return codexFoldersOf(pluginOptionsOfNxJson(nxJson));
}

/**
 * The plugin's options in nx.json: the workspace's Codex folders, either defaulted, and the
 * prefix of every project name the plugin infers (none by default).
 */
export type ForgePluginOptions = Partial<CodexFolders> & { projectPrefix?: string };

/** Where the plugin reads and writes, relative to the workspace root: the Codex folders and the plugin's own. */
export interface PluginLayout extends CodexFolders {
  /** Intermediate task outputs (gitignored). */
  distDir: string;
  /** Facts the `codex:context` task extracts for the tasks after it. */
  factsDir: string;
  /** The assembled generation of Quadlets that `bind` installs. */
  generationDir: string;
  /**
   * This package's folder: `tools` in the Forge's own workspace, `node_modules/@lychd/forge` where
   * it is installed. Targets run its scripts and hash its code from there.
   */
  pluginDir: string;
  /** Put before the name of every project the plugin infers: `codex` is `<prefix>codex`. */
  projectPrefix: string;
}

/** The folder of the @lychd/forge package, wherever it is installed. */
export const PLUGIN_DIR = path.resolve(__dirname, '../..');

/**
 * The folder of the code that runs (bin/load.js decides the same way): `src`, the TypeScript
 * sources, in the Forge's own checkout; `dist`, the compiled JavaScript, where the package is installed.
 */
export const CODE_DIR = fs.existsSync(path.join(PLUGIN_DIR, 'src', 'index.ts')) ? 'src' : 'dist';

export function pluginLayout(options: ForgePluginOptions | undefined, workspaceRoot: string): PluginLayout {
  return {
    pluginDir: path.relative(workspaceRoot, PLUGIN_DIR).split(path.sep).join('/'),
    ...codexFoldersOf(options),
    distDir: DIST_DIR,
    factsDir: CONTEXT_DIR,
    generationDir: GENERATION_DIR,
    projectPrefix: projectPrefixOf(options),
  };
}

/**
 * The whole-Codex files of a generation, each its own cached task (`quadlets:scribe-<part>`).
 * `federated` is the units of the soulstones no rune folder holds: registered by a hook, or runes
 * of an extension family that renders as a built-in one (scribe/federated.ts).
 */
export const AGGREGATES = ['pod', 'core', 'observability', 'capabilities', 'federated'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const factsFile = (layout: PluginLayout, name: string) => `${layout.factsDir}/${factsFileName(name)}`;

/** A rune folder's units, as one JSON file: a no-op run restores one file per folder, not one per rune. */
export const runeOutputFile = (project: string) => `${RUNE_UNITS_DIR}/${project}.json`;

export interface RuneFolder {
  /** Relative to the workspace root. */
  folder: string;
  /**
   * `runes-<family folder>` (`runes-vllm`, `runes-portals`), `runes-<extension>-<family folder>` for an
   * extension's; after the project prefix.
   */
  project: string;
}

/**
 * The rune folder a file belongs to: a family's anchor folder in the Codex or in an extension,
 * holding the file directly. Other TOML files under `runes/` belong to no rune folder: the Codex
 * validation reports them as misplaced.
 */
export function runeFolderOf(layout: PluginLayout, file: string): RuneFolder | undefined {
  const folder = file.slice(0, file.lastIndexOf('/'));
  const codexRunes = `${layout.codexDir}/runes/`;
  const extMatch = folder.startsWith(`${layout.extensionsDir}/`) ? folder.slice(layout.extensionsDir.length + 1).split('/') : undefined;
  const ext = extMatch && extMatch[1] === 'runes' ? extMatch[0] : undefined;
  const runeRoot = ext ? `${layout.extensionsDir}/${ext}/runes/` : codexRunes;
  if (!folder.startsWith(runeRoot) || !isFamilyAnchor(folder.slice(runeRoot.length))) return undefined;
  return { folder, project: projectName(layout, `runes-${ext ? `${ext}-` : ''}${folder.slice(folder.lastIndexOf('/') + 1)}`) };
}

/**
 * The plugin's own code is part of every hash it drives: Nx does not hash the code a command
 * runs, and an edited task must never give a stale cache hit. An installed package is hashed by
 * its version in the lockfile (Nx skips files under node_modules). The packages it runs on are
 * pluginPackages.
 */
export function pluginFiles(layout: PluginLayout) {
  if (!isWorkspaceProject(layout)) return [{ externalDependencies: ['@lychd/forge'] }];
  const dir = `{workspaceRoot}/${layout.pluginDir}`;
  return [`${dir}/src/**/*`, `${dir}/bin/**/*`, `${dir}/package.json`];
}

/** Whether the plugin is a project of this workspace (its own), rather than an installed package. */
const isWorkspaceProject = (layout: PluginLayout) => !layout.pluginDir.split('/').some((part) => part === 'node_modules' || part === '..');

/** Every inferred project depends on the plugin's project, where there is one, so `nx affected` follows an edit of its code. */
export const pluginProject = (layout: PluginLayout): string[] => (isWorkspaceProject(layout) ? ['@lychd/forge'] : []);

/** `node <plugin>/bin/<script>`, from the workspace root, where Nx runs every command. */
export const pluginScript = (layout: PluginLayout, script: string) => `node ${layout.pluginDir}/bin/${script}`;

/** The npm packages the plugin's code runs on: its package's dependencies, read once. */
export function pluginPackages() {
  pluginDependencies ??= Object.keys(
    (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { dependencies?: object }).dependencies ?? {},
  ).sort();
  return { externalDependencies: pluginDependencies };
}
let pluginDependencies: string[] | undefined;
