import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { CreateNodes, CreateNodesResult, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { AGGREGATES, factsFile, layoutFrom, pluginInputs, pluginPackages, runeOutputDir, runeProjectName, type ForgeLayout } from './layout';

export interface ForgePluginOptions {
  /** The Codex folder, relative to the workspace root. Default `codex`. */
  codexDir?: string;
  /** The extensions folder, relative to the workspace root. Default `extensions`. */
  extensionsDir?: string;
}

const EXECUTOR = (name: string) => `@lychd/forge:${name}`;

/**
 * One project per rune file (its root is the file itself, so Nx maps an edit of that file to
 * that project alone), plus `codex`, `quadlets` and `forge` for the whole-Codex steps.
 * Every target names its inputs: Nx's default (`default`, `^default`) would look for files
 * under a rune project's root folder, and a file root has none.
 * Every file path here is relative to the workspace root: the graph must not depend on where
 * the workspace is checked out.
 */
export const createNodes: CreateNodes<ForgePluginOptions> = [
  '**/*.toml',
  (files, options, context) => {
    const layout = layoutFrom(options);
    const results: [string, CreateNodesResult][] = [];
    const runeFiles: string[] = [];
    const extensions: string[] = [];
    for (const file of files) {
      if (file === `${layout.codexDir}/lychd.toml`) continue;
      const ext = extensionOf(layout, file);
      if (ext && file === `${layout.extensionsDir}/${ext}/pyproject.toml`) extensions.push(ext);
      else if (isRuneFile(layout, file)) runeFiles.push(file);
    }
    if (!files.includes(`${layout.codexDir}/lychd.toml`)) return results;
    for (const file of runeFiles) results.push([file, { projects: { [file]: runeProject(layout, file) } }]);
    for (const ext of extensions) {
      results.push([
        `${layout.extensionsDir}/${ext}/pyproject.toml`,
        { projects: { [`${layout.extensionsDir}/${ext}`]: { name: `extension-${ext}`, tags: ['type:extension'], implicitDependencies: [PLUGIN] } } },
      ]);
    }
    results.push([
      `${layout.codexDir}/lychd.toml`,
      {
        projects: {
          [layout.codexDir]: codexProject(layout),
          quadlets: quadletsProject(layout),
          forge: forgeProject(layout, extensions, coreDir(context.workspaceRoot, `${layout.codexDir}/lychd.toml`)),
        },
      },
    ]);
    return results;
  },
];
export const createNodesV2 = createNodes;

const PLUGIN = '@lychd/forge';

function extensionOf(layout: ForgeLayout, file: string): string | undefined {
  const prefix = `${layout.extensionsDir}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length).split('/')[0] : undefined;
}

function isRuneFile(layout: ForgeLayout, file: string): boolean {
  if (file.startsWith(`${layout.codexDir}/runes/`)) return true;
  const ext = extensionOf(layout, file);
  return ext !== undefined && file.startsWith(`${layout.extensionsDir}/${ext}/runes/`);
}

/** Everything that decides whether the Codex is valid: every rune file and which extensions exist. */
const codexInputs = (layout: ForgeLayout) => [
  `{workspaceRoot}/${layout.codexDir}/**/*.toml`,
  `{workspaceRoot}/${layout.extensionsDir}/*/pyproject.toml`,
  `{workspaceRoot}/${layout.extensionsDir}/*/runes/**/*.toml`,
  ...pluginInputs(),
];

function codexProject(layout: ForgeLayout): ProjectConfiguration {
  const options = { codexDir: layout.codexDir, extensionsDir: layout.extensionsDir };
  return {
    root: layout.codexDir,
    name: 'codex',
    tags: ['type:codex'],
    implicitDependencies: [PLUGIN],
    targets: {
      validate: { executor: EXECUTOR('validate'), options, cache: true, inputs: codexInputs(layout), outputs: [] },
      context: {
        executor: EXECUTOR('context'),
        options: { ...options, outputDir: layout.contextDir },
        cache: true,
        inputs: codexInputs(layout),
        outputs: [`{workspaceRoot}/${layout.contextDir}`],
      },
    },
  };
}

function runeProject(layout: ForgeLayout, file: string): ProjectConfiguration {
  const name = runeProjectName(layout, file);
  const scribe: TargetConfiguration = {
    executor: EXECUTOR('scribe-rune'),
    options: { file, codexDir: layout.codexDir, extensionsDir: layout.extensionsDir, context: factsFile(layout, 'scribe-context'), outputDir: runeOutputDir(layout, name) },
    cache: true,
    dependsOn: [{ projects: ['codex'], target: 'context' }],
    // Its own file, the covens of the others and the plugin's digest (both in the context, which
    // hashes the plugin's files once): nothing else changes its unit. A thousand runes then
    // hash one small file each rather than the plugin's whole source tree each.
    inputs: [`{workspaceRoot}/${file}`, { dependentTasksOutputFiles: '**/context/scribe-context.json' }, pluginPackages()],
    outputs: [`{workspaceRoot}/${runeOutputDir(layout, name)}`],
  };
  return {
    root: file,
    name,
    tags: ['type:rune'],
    implicitDependencies: [PLUGIN],
    targets: { scribe, bind: { executor: 'nx:noop', dependsOn: ['scribe'], inputs: [] } },
  };
}

/**
 * The project configuration is part of every task hash in it, so it names no rune: the runes are
 * reached through a tag, and adding one never invalidates the pod or the core services.
 */
function quadletsProject(layout: ForgeLayout): ProjectConfiguration {
  const targets: Record<string, TargetConfiguration> = {};
  for (const part of AGGREGATES) {
    targets[`scribe-${part}`] = {
      executor: EXECUTOR('scribe-aggregate'),
      options: { part, facts: factsFile(layout, part), outputDir: `${layout.distDir}/aggregates/${part}` },
      cache: true,
      dependsOn: [{ projects: ['codex'], target: 'context' }],
      inputs: [{ dependentTasksOutputFiles: `**/context/${part}.json` }, ...pluginInputs()],
      outputs: [`{workspaceRoot}/${layout.distDir}/aggregates/${part}`],
    };
  }
  targets['scribe'] = {
    executor: EXECUTOR('assemble'),
    options: { runesDir: `${layout.distDir}/runes`, aggregates: AGGREGATES, aggregatesDir: `${layout.distDir}/aggregates`, outputDir: layout.generationDir },
    cache: true,
    dependsOn: [...AGGREGATES.map((p) => `scribe-${p}`), { projects: ['tag:type:rune'], target: 'scribe' }],
    inputs: [{ dependentTasksOutputFiles: '**/*' }, ...pluginInputs()],
    outputs: [`{workspaceRoot}/${layout.generationDir}`],
  };
  const bindOptions = { generationDir: layout.generationDir, facts: factsFile(layout, 'secrets') };
  // Installing reaches outside the workspace, so it is never cached; it is cheap when nothing changed.
  // Nx picks affected tasks by their inputs: every Codex file is one, so any edit selects bind.
  targets['bind'] = { executor: EXECUTOR('bind'), options: bindOptions, cache: false, dependsOn: ['scribe'], inputs: codexInputs(layout) };
  targets['bind-check'] = { executor: EXECUTOR('bind'), options: { ...bindOptions, check: true }, cache: false, dependsOn: ['scribe'], inputs: codexInputs(layout) };
  return { root: 'quadlets', name: 'quadlets', tags: ['type:quadlets'], implicitDependencies: [PLUGIN, 'codex'], targets };
}

/** The tool versions a synthesis stage records: a new uv or npm must re-lock. */
const UV_VERSION = { runtime: 'node tools/bin/tool-version.js uv' };
const NPM_VERSION = { runtime: 'node tools/bin/tool-version.js npm' };

function forgeProject(layout: ForgeLayout, extensions: string[], core: string): ProjectConfiguration {
  const ext = (glob: string) => `{workspaceRoot}/${layout.extensionsDir}/*/${glob}`;
  // Which extensions are active and where the core lives: the facts `codex:context` extracts.
  const settings = { dependentTasksOutputFiles: '**/context/forge.json' };
  const afterContext = [{ projects: ['codex'], target: 'context' }];
  const stage = (stageName: string, inputs: TargetConfiguration['inputs'], outputs: string[], dependsOn: TargetConfiguration['dependsOn'] = afterContext): TargetConfiguration => ({
    executor: EXECUTOR('synthesis'),
    options: { stage: stageName, quadletsDir: layout.generationDir },
    cache: true,
    dependsOn,
    inputs: [...(inputs ?? []), ...pluginInputs()],
    outputs,
  });
  return {
    root: 'forge',
    name: 'forge',
    tags: ['type:forge'],
    implicitDependencies: [PLUGIN, 'codex', 'quadlets', ...extensions.map((e) => `extension-${e}`)],
    targets: {
      'lock-python': stage('python', [`{workspaceRoot}/${core}/pyproject.toml`, ext('pyproject.toml'), settings, UV_VERSION], ['{workspaceRoot}/forge/synthesis/python']),
      'lock-node': stage('node', [`{workspaceRoot}/${core}/package.json`, ext('package.json'), settings, NPM_VERSION], ['{workspaceRoot}/forge/synthesis/node']),
      tailwind: stage('tailwind', [`{workspaceRoot}/${core}/tailwind.config.*`, ext('tailwind.config.*'), settings], ['{workspaceRoot}/forge/synthesis/tailwind']),
      // The cheap assembly: digests of every input and of the locks and quadlets; never re-locks.
      synthesize: stage(
        'manifest',
        [
          `{workspaceRoot}/${layout.codexDir}/lychd.toml`,
          `{workspaceRoot}/${core}/**/*`,
          `{workspaceRoot}/${layout.extensionsDir}/**/*`,
          '{workspaceRoot}/forge/templates/**/*',
          { dependentTasksOutputFiles: '**/*' },
          UV_VERSION,
          NPM_VERSION,
        ],
        ['{workspaceRoot}/forge/synthesis.lock.json'],
        ['lock-python', 'lock-node', 'tailwind', { projects: ['quadlets'], target: 'scribe' }],
      ),
      'synthesize-check': {
        executor: EXECUTOR('synthesis'),
        options: { stage: 'check', quadletsDir: layout.generationDir },
        cache: false,
        dependsOn: [{ projects: ['quadlets'], target: 'scribe' }],
        // Uncached; its inputs decide when `nx affected` selects it.
        inputs: [...codexInputs(layout), `{workspaceRoot}/${core}/**/*`, `{workspaceRoot}/${layout.extensionsDir}/**/*`, '{workspaceRoot}/forge/**/*'],
      },
    },
  };
}

/** The core's folder from the Prime Scroll's `[forge] core`, read cheaply; `core` by default. */
function coreDir(workspaceRoot: string, primeScroll: string): string {
  try {
    const text = fs.readFileSync(path.join(workspaceRoot, primeScroll), 'utf8');
    const forge = (parseToml(text) as { forge?: { core?: unknown } }).forge;
    return typeof forge?.core === 'string' ? forge.core.replace(/\/+$/, '') : 'core';
  } catch {
    return 'core'; // An unreadable scroll is codex:validate's to report.
  }
}

