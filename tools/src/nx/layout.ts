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

export const runeOutputDir = (layout: ForgeLayout, project: string) => `${layout.distDir}/runes/${project}`;

/**
 * `runes-<anchor leaf>` for a family's anchor folder (`runes-vllm`, `runes-portals`), prefixed by the
 * extension for an extension's (`runes-oracle-generic`); any other folder holding TOML files is named by
 * its whole path under `runes/`, so that its misplaced files are still a project and get reported.
 */
export function runeFolderProjectName(layout: ForgeLayout, folder: string): string {
  const ext = folder.startsWith(`${layout.extensionsDir}/`) ? folder.slice(layout.extensionsDir.length + 1).split('/')[0]! : undefined;
  const runeRoot = ext ? `${layout.extensionsDir}/${ext}/runes` : `${layout.codexDir}/runes`;
  const anchor = folder === runeRoot ? '' : folder.slice(runeRoot.length + 1);
  const name = isFamilyAnchor(anchor) ? anchor.split('/').pop()! : anchor.split('/').join('-') || 'root';
  return `runes-${ext ? `${ext}-` : ''}${name}`;
}

/**
 * The plugin's own code is part of every hash it drives: Nx does not hash a local plugin's
 * executors by itself, and an edited executor must never give a stale cache hit.
 */
export function pluginInputs() {
  return [
    '{workspaceRoot}/tools/src/**/*',
    '{workspaceRoot}/tools/package.json',
    '{workspaceRoot}/tools/executors.json',
    pluginPackages(),
  ];
}

/** The npm packages the plugin's code runs on. */
export function pluginPackages() {
  return { externalDependencies: ['zod', 'smol-toml', 'toml-eslint-parser', 'nunjucks', 'semver'] };
}
