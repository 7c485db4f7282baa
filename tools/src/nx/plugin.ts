import type { CreateNodes, CreateNodesResult, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { factsFile, layoutFrom, pluginInputs, runeOutputDir, runeProjectName, type ForgeLayout } from './layout';

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
 * Every file path here is relative to the workspace root: the graph must not depend on where
 * the workspace is checked out.
 */
export const createNodes: CreateNodes<ForgePluginOptions> = [
  '**/*.toml',
  (files, options) => {
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
    const runeProjects = runeFiles.map((file) => runeProjectName(layout, file));
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
          quadlets: quadletsProject(layout, runeProjects),
          forge: forgeProject(layout, extensions),
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
    // Its own file, the covens of the others (through the context) and the plugin: nothing else changes its unit.
    inputs: [`{workspaceRoot}/${file}`, { dependentTasksOutputFiles: '**/context/scribe-context.json' }, ...pluginInputs()],
    outputs: [`{workspaceRoot}/${runeOutputDir(layout, name)}`],
  };
  return {
    root: file,
    name,
    tags: ['type:rune'],
    implicitDependencies: [PLUGIN],
    targets: { scribe, bind: { executor: 'nx:noop', dependsOn: ['scribe'] } },
  };
}

const AGGREGATES = ['pod', 'core', 'observability', 'capabilities'] as const;

function quadletsProject(layout: ForgeLayout, runeProjects: string[]): ProjectConfiguration {
  const targets: Record<string, TargetConfiguration> = {};
  for (const part of AGGREGATES) {
    targets[`scribe-${part}`] = {
      executor: EXECUTOR('scribe-aggregate'),
      options: { part, codexDir: layout.codexDir, facts: factsFile(layout, part), outputDir: `${layout.distDir}/aggregates/${part}` },
      cache: true,
      dependsOn: [{ projects: ['codex'], target: 'context' }],
      inputs: [{ dependentTasksOutputFiles: `**/context/${part}.json` }, ...pluginInputs()],
      outputs: [`{workspaceRoot}/${layout.distDir}/aggregates/${part}`],
    };
  }
  targets['scribe'] = {
    executor: EXECUTOR('assemble'),
    options: { runesDir: `${layout.distDir}/runes`, aggregatesDir: `${layout.distDir}/aggregates`, outputDir: layout.generationDir },
    cache: true,
    dependsOn: [...AGGREGATES.map((p) => `scribe-${p}`), '^scribe'],
    inputs: [{ dependentTasksOutputFiles: '**/*' }, ...pluginInputs()],
    outputs: [`{workspaceRoot}/${layout.generationDir}`],
  };
  const bindOptions = { codexDir: layout.codexDir, extensionsDir: layout.extensionsDir, generationDir: layout.generationDir };
  // Installing reaches outside the workspace, so it is never cached; it is cheap when nothing changed.
  targets['bind'] = { executor: EXECUTOR('bind'), options: bindOptions, cache: false, dependsOn: ['scribe'] };
  targets['bind-check'] = { executor: EXECUTOR('bind'), options: { ...bindOptions, check: true }, cache: false, dependsOn: ['scribe'] };
  return { root: 'quadlets', name: 'quadlets', tags: ['type:quadlets'], implicitDependencies: [PLUGIN, 'codex', ...runeProjects], targets };
}

function forgeProject(layout: ForgeLayout, extensions: string[]): ProjectConfiguration {
  return {
    root: 'forge',
    name: 'forge',
    tags: ['type:forge'],
    implicitDependencies: [PLUGIN, 'codex', 'quadlets', ...extensions.map((e) => `extension-${e}`)],
    targets: {},
  };
}

