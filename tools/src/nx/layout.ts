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

/** `rune-<family folder>-<file stem>`, prefixed by the extension for extension runes: unique per file. */
export function runeProjectName(layout: ForgeLayout, file: string): string {
  const parts = file.split('/');
  const stem = parts[parts.length - 1]!.replace(/\.toml$/, '');
  const leaf = parts[parts.length - 2]!;
  const ext = file.startsWith(`${layout.extensionsDir}/`) ? `${parts[layout.extensionsDir.split('/').length]}-` : '';
  return `rune-${ext}${leaf}-${stem}`;
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
