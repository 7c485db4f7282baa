import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { CreateNodes, CreateNodesResult, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { AGGREGATES, factsFile, layoutFrom, pluginInputs, pluginPackages, runeFolderOf, runeOutputFile, type RuneFolder, type ForgeLayout } from './layout';

export interface ForgePluginOptions {
  /** The Codex folder, relative to the workspace root. Default `codex`. */
  codexDir?: string;
  /** The extensions folder, relative to the workspace root. Default `extensions`. */
  extensionsDir?: string;
}

/**
 * A target that runs one Forge task (tools/src/tasks) as a command: Nx starts it directly, where
 * an executor would cost a forked Nx process first. The options travel as one shell-quoted JSON
 * argument, so no path or name from the workspace can become shell syntax.
 */
function task(name: string, options: Record<string, unknown>): Pick<TargetConfiguration, 'executor' | 'options'> {
  const json = JSON.stringify(options);
  return { executor: 'nx:run-commands', options: { command: `node tools/bin/forge-task.js ${name} '${json.replaceAll("'", `'\\''`)}'` } };
}

/**
 * One project per rune folder (a family's anchor folder, in the Codex or in an extension), plus
 * `codex`, `quadlets` and `forge` for the whole-Codex steps. A folder rather than a file: Nx pays
 * for every task of a run even when all are cached (in CI, with no daemon, it restores each
 * task's outputs), so a thousand runes must not be a thousand tasks; an edit re-renders the
 * runes of its folder, a millisecond or two each (bench/README.md has the figures).
 * Every file path here is relative to the workspace root: the graph must not depend on where
 * the workspace is checked out.
 */
export const createNodes: CreateNodes<ForgePluginOptions> = [
  '**/*.toml',
  (files, options, context) => {
    const layout = layoutFrom(options);
    const results: [string, CreateNodesResult][] = [];
    // Nx merges what several files say about one root: each rune folder is named once, by its first file.
    const runeFolders = new Map<string, [string, RuneFolder]>();
    const extensions: string[] = [];
    for (const file of [...files].sort()) {
      const ext = extensionOf(layout, file);
      const runes = runeFolderOf(layout, file);
      if (ext && file === `${layout.extensionsDir}/${ext}/pyproject.toml`) extensions.push(ext);
      else if (runes && !runeFolders.has(runes.folder)) runeFolders.set(runes.folder, [file, runes]);
    }
    if (!files.includes(`${layout.codexDir}/lychd.toml`)) return results;
    for (const [file, runes] of runeFolders.values()) results.push([file, { projects: { [runes.folder]: runeFolderProject(layout, runes) } }]);
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
          quadlets: quadletsProject(layout, [...runeFolders.values()].map(([, r]) => r.project).sort()),
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
      validate: { ...task('validate', options), cache: true, inputs: codexInputs(layout), outputs: [] },
      context: {
        ...task('context', { ...options, outputDir: layout.contextDir }),
        cache: true,
        inputs: codexInputs(layout),
        outputs: [`{workspaceRoot}/${layout.contextDir}`],
      },
    },
  };
}

function runeFolderProject(layout: ForgeLayout, { folder, project: name }: RuneFolder): ProjectConfiguration {
  const scribe: TargetConfiguration = {
    ...task('scribe-runes', { folder, codexDir: layout.codexDir, extensionsDir: layout.extensionsDir, context: factsFile(layout, 'scribe-context'), outputFile: runeOutputFile(layout, name) }),
    cache: true,
    dependsOn: [{ projects: ['codex'], target: 'context' }],
    // Its own files, the covens of the others and the plugin's digest (both in the context, which
    // hashes the plugin's files once): nothing else changes its units.
    inputs: [`{workspaceRoot}/${folder}/*.toml`, { dependentTasksOutputFiles: '**/context/scribe-context.json' }, pluginPackages()],
    outputs: [`{workspaceRoot}/${runeOutputFile(layout, name)}`],
  };
  return {
    root: folder,
    name,
    tags: ['type:runes'],
    implicitDependencies: [PLUGIN],
    targets: { scribe, bind: { executor: 'nx:noop', dependsOn: ['scribe'], inputs: [] } },
  };
}

/**
 * The project configuration is part of every task hash in it, so it names the rune folders but
 * no rune: a rune added to a folder never invalidates the pod or the core services.
 */
function quadletsProject(layout: ForgeLayout, runes: string[]): ProjectConfiguration {
  const targets: Record<string, TargetConfiguration> = {};
  for (const part of AGGREGATES) {
    targets[`scribe-${part}`] = {
      ...task('scribe-aggregate', { part, facts: factsFile(layout, part), outputDir: `${layout.distDir}/aggregates/${part}` }),
      cache: true,
      dependsOn: [{ projects: ['codex'], target: 'context' }],
      inputs: [{ dependentTasksOutputFiles: `**/context/${part}.json` }, ...pluginInputs()],
      outputs: [`{workspaceRoot}/${layout.distDir}/aggregates/${part}`],
    };
  }
  targets['scribe'] = {
    ...task('assemble', { runesDir: `${layout.distDir}/runes`, runes, aggregates: AGGREGATES, aggregatesDir: `${layout.distDir}/aggregates`, outputDir: layout.generationDir }),
    cache: true,
    dependsOn: [...AGGREGATES.map((p) => `scribe-${p}`), ...(runes.length ? [{ projects: runes, target: 'scribe' }] : [])],
    inputs: [{ dependentTasksOutputFiles: '**/*' }, ...pluginInputs()],
    outputs: [`{workspaceRoot}/${layout.generationDir}`],
  };
  const bindOptions = { generationDir: layout.generationDir, facts: factsFile(layout, 'secrets') };
  // Nx picks affected tasks by their inputs: every Codex file is one, so any edit selects bind.
  // Cached, yet reaching outside the workspace: the Binding Site's state is an input, which repeats
  // only while the site holds this very generation intact; so a hit is a bind with nothing to do.
  // Reading `scribe`'s outputs makes Nx hash it after `scribe` ran, against the fresh generation.
  targets['bind'] = {
    ...task('bind', bindOptions),
    cache: true,
    dependsOn: ['scribe'],
    inputs: [...codexInputs(layout), { dependentTasksOutputFiles: '**/*' }, { runtime: `node tools/bin/binding-state.js ${layout.generationDir}` }],
    outputs: [],
  };
  targets['bind-check'] = { ...task('bind', { ...bindOptions, check: true }), cache: false, dependsOn: ['scribe'], inputs: codexInputs(layout) };
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
    ...task('synthesis', { stage: stageName, quadletsDir: layout.generationDir }),
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
      ...imageTargets(layout, core, settings, afterContext),
      'synthesize-check': {
        ...task('synthesis', { stage: 'check', quadletsDir: layout.generationDir }),
        cache: false,
        dependsOn: [{ projects: ['quadlets'], target: 'scribe' }],
        // Uncached; its inputs decide when `nx affected` selects it.
        inputs: [...codexInputs(layout), `{workspaceRoot}/${core}/**/*`, `{workspaceRoot}/${layout.extensionsDir}/**/*`, '{workspaceRoot}/forge/**/*'],
      },
    },
  };
}

const BUILDAH_VERSION = { runtime: 'node tools/bin/tool-version.js buildah' };
const MMDEBSTRAP_VERSION = { runtime: 'node tools/bin/tool-version.js mmdebstrap' };

/**
 * The image: `base` (built from Debian or pinned), `containerfile` (rendered, committed) and
 * `image` (buildah). The image hashes the Synthesis Manifest, the Containerfile, the synthesized
 * uv workspace, the core's and extensions' sources (not their runes), the base and buildah's
 * version: a rune edit is a cache hit. `[forge]` reaches them through codex:context's forge.json.
 */
function imageTargets(layout: ForgeLayout, core: string, settings: { dependentTasksOutputFiles: string }, afterContext: TargetConfiguration['dependsOn']): Record<string, TargetConfiguration> {
  const forgeTask = (stage: string) => task('forge', { stage, codexDir: layout.codexDir });
  // Through the chain image → containerfile → base → codex:context: transitive.
  const base = { dependentTasksOutputFiles: '**/forge/base/base.json', transitive: true };
  const forgeSettings = { ...settings, transitive: true };
  const rendered = ['{workspaceRoot}/forge/synthesis.lock.json', '{workspaceRoot}/forge/templates/**/*', forgeSettings, base, ...pluginInputs()];
  return {
    base: { ...forgeTask('base'), cache: true, dependsOn: afterContext, inputs: [settings, MMDEBSTRAP_VERSION, ...pluginInputs()], outputs: [`{workspaceRoot}/${layout.distDir}/base`] },
    containerfile: { ...forgeTask('containerfile'), cache: true, dependsOn: ['base'], inputs: rendered, outputs: ['{workspaceRoot}/forge/Containerfile'] },
    'containerfile-check': { ...forgeTask('containerfile-check'), cache: false, dependsOn: ['base'], inputs: [...rendered, '{workspaceRoot}/forge/Containerfile'] },
    image: {
      ...forgeTask('image'),
      cache: true,
      dependsOn: ['containerfile'],
      inputs: [
        '{workspaceRoot}/forge/synthesis.lock.json',
        '{workspaceRoot}/forge/Containerfile',
        '{workspaceRoot}/forge/synthesis/python/*',
        `{workspaceRoot}/${core}/**/*`,
        `{workspaceRoot}/${layout.extensionsDir}/**/*`,
        `!{workspaceRoot}/${layout.extensionsDir}/*/runes/**/*`,
        forgeSettings,
        base,
        BUILDAH_VERSION,
        ...pluginInputs(),
      ],
      outputs: [`{workspaceRoot}/${layout.distDir}/image`],
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

