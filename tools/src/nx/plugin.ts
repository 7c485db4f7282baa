import { createHash } from 'node:crypto';
import {
  AGGREGATES_DIR,
  BASE_DIR,
  BASE_RECORD_FILE,
  CONTAINERFILE,
  DEBIAN_LOCK_FILE,
  FACTS,
  FEDERATION_SOURCES_FILE,
  FLAKE_FILE,
  FLAKE_LOCK,
  FLAKE_TEMPLATE,
  FORGE_DIR,
  GENERATION_DIR,
  IMAGE_DIR,
  inWorkspace,
  MANIFEST_FILE,
  NODE_DIR,
  PYTHON_DIR,
  PYTHON_FILES,
  QUADLETS_DIR,
  REGISTRY_FILE,
  RUNE_UNITS_DIR,
  TAILWIND_DIR,
  TEMPLATES_DIR,
} from '../artifacts/paths';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CreateNodes, CreateNodesResult, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { workspaceDataDirectoryForWorkspace } from 'nx/src/utils/cache-directory';
import { EXTENSION_MANIFEST, isExtensionName } from '../codex/extensions';
import { primeScrollPath } from '../codex/folders';
import { federationState } from '../federation/sources';
import { replaceFileAtomic } from '../shared/fsutil';
import { projectClashes, projectFileGlobs, projectFilesDigest } from './clashes';
import { withMetadata } from './metadata';
export type { ForgePluginOptions } from './plugin-layout';
import {
  AGGREGATES,
  factsFile,
  pluginLayout,
  pluginFiles,
  pluginPackages,
  pluginProject,
  pluginScript,
  projectName,
  runeFolderOf,
  runeOutputFile,
  type RuneFolder,
  type PluginLayout,
  type ForgePluginOptions,
} from './plugin-layout';

/**
 * A target that runs one Forge task (tools/src/tasks) as a command: Nx starts it directly, where
 * an executor would cost a forked Nx process first. The options travel as one shell-quoted JSON
 * argument, so no path or name from the workspace can become shell syntax.
 */
function task(layout: PluginLayout, name: string, options: Record<string, unknown>): Pick<TargetConfiguration, 'executor' | 'options'> {
  const json = JSON.stringify(options);
  return {
    executor: 'nx:run-commands',
    options: { command: `${pluginScript(layout, 'forge-task.js')} ${name} '${json.replaceAll("'", `'\\''`)}'` },
  };
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
  async (files, options, context) => {
    const layout = pluginLayout(options, context.workspaceRoot);
    const scroll = primeScrollPath(layout);
    if (!files.includes(scroll)) return [];
    // As Nx's own plugins do: the projects are kept by a hash of everything that decides them
    // (the layout, which files exist, the Prime Scroll, this plugin's code), so a run that
    // changed none of it reads them back without loading the Codex's schemas at all.
    // The other projects' names are among them: a clash is reported by the Forge, not by Nx.
    // So is whether forge/federation.json is current, with the core the last inference found
    // (the Prime Scroll, which names it, is in the key too).
    const root = context.workspaceRoot;
    const projectFiles = projectFileGlobs(root);
    const keyOf = async (core: string) =>
      digest([
        PLUGIN_CODE,
        JSON.stringify(layout),
        readOr(path.join(root, scroll)),
        await projectFilesDigest(root, projectFiles),
        JSON.stringify(federationState(root, layout, core)),
        ...[...files].sort(),
      ]);
    const cacheFile = inferenceCacheFile(root);
    const cached = readCache(cacheFile);
    if (cached && cached.key === (await keyOf(cached.core))) return cached.results;
    const core = await coreDir(root, layout);
    const results = await inferProjects(layout, files, root, core);
    const clash = await projectClashes(root, projectFiles, ownProjects(results), layout.projectPrefix);
    if (clash) throw clash;
    writeCache(cacheFile, { key: await keyOf(core), core, results });
    return results;
  },
];

type Inferred = [string, CreateNodesResult][];

const ownProjects = (results: Inferred) =>
  results.flatMap(([, r]) => Object.entries(r.projects ?? {}).map(([root, p]) => ({ root, name: p.name ?? root })));

/** Where the last inference is kept: Nx's workspace data folder, which `nx reset` clears. */
export const inferenceCacheFile = (workspaceRoot: string): string =>
  path.join(workspaceDataDirectoryForWorkspace(workspaceRoot), 'lychd-forge-nodes.json');

const digest = (parts: string[]): string => parts.reduce((h, p) => h.update(p).update('\0'), createHash('sha256')).digest('hex');

/**
 * The code that decides the inferred projects (the plugin, the artifacts' paths, the Codex modules
 * it reads the Prime Scroll with and the federation's record of its sources, as sources or
 * compiled) and the package's manifest: a change to any is a change of every hash.
 */
const PLUGIN_CODE = digest(
  [
    ...sourcesUnder(__dirname),
    ...sourcesUnder(path.join(__dirname, '../artifacts')),
    ...sourcesUnder(path.join(__dirname, '../codex')),
    ...sourcesUnder(path.join(__dirname, '../federation')),
    path.join(__dirname, '../../package.json'),
  ].map((f) => `${path.basename(f)}\0${readOr(f)}`),
);

function sourcesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') || f.endsWith('.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

// The last inference only (Nx's own plugins keep many): a cache of what one workspace's files
// decide, where a lost or torn file only means inferring again.
type CacheEntry = { key: string; core: string; results: Inferred };

function readCache(file: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CacheEntry>;
    return typeof entry.core === 'string' ? (entry as CacheEntry) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, entry: CacheEntry): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    replaceFileAtomic(file, JSON.stringify(entry), `${path.basename(file)}.${process.pid}`, false);
  } catch {
    // A read-only workspace infers every time.
  }
}

async function inferProjects(layout: PluginLayout, files: readonly string[], workspaceRoot: string, core: string): Promise<Inferred> {
  const results: Inferred = [];
  // Nx merges what several files say about one root: each rune folder is named once, by its first file.
  const runeFolders = new Map<string, [string, RuneFolder]>();
  const extensions: string[] = [];
  for (const file of [...files].sort()) {
    const ext = extensionOf(layout, file);
    const runes = runeFolderOf(layout, file);
    if (ext && file === `${layout.extensionsDir}/${ext}/${EXTENSION_MANIFEST}`) {
      // An invalid name gets no project: codex:validate reports it, and every target depends on that.
      if (isExtensionName(ext)) extensions.push(ext);
    } else if (runes && !runeFolders.has(runes.folder)) runeFolders.set(runes.folder, [file, runes]);
  }
  for (const [file, runes] of runeFolders.values())
    results.push([file, { projects: { [runes.folder]: runeFolderProject(layout, runes) } }]);
  for (const ext of extensions) {
    results.push([
      `${layout.extensionsDir}/${ext}/${EXTENSION_MANIFEST}`,
      {
        projects: {
          [`${layout.extensionsDir}/${ext}`]: {
            name: projectName(layout, `extension-${ext}`),
            tags: ['type:extension'],
            implicitDependencies: pluginProject(layout),
          },
        },
      },
    ]);
  }
  // No forge/federation.json yet, or one written from other hook sources: the validation waits for
  // `federate`, which must then not wait for the validation (see federationFirst).
  const first =
    extensions.length > 0 &&
    fs.existsSync(path.join(workspaceRoot, core, 'pyproject.toml')) &&
    federationState(workspaceRoot, layout, core).state !== 'current';
  results.push([
    primeScrollPath(layout),
    {
      projects: {
        [layout.codexDir]: codexProject(layout, first),
        quadlets: quadletsProject(layout, [...runeFolders.values()].map(([, r]) => r.project).sort()),
        forge: forgeProject(layout, extensions, core, first, await imageStrategy(workspaceRoot, layout)),
      },
    },
  ]);
  const catalog = namedInputs(layout, core);
  for (const [, result] of results)
    for (const project of Object.values(result.projects ?? {})) {
      withMetadata(project, layout.projectPrefix);
      addNamedInputs(project, catalog);
    }
  return results;
}
export const createNodesV2 = createNodes;

function extensionOf(layout: PluginLayout, file: string): string | undefined {
  const prefix = `${layout.extensionsDir}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length).split('/')[0] : undefined;
}

type Input = NonNullable<TargetConfiguration['inputs']>[number];

/**
 * The input lists several targets share, each spelled once: every project defines, as its
 * `namedInputs`, the ones its targets name. Nx takes a name the project does not define for a
 * file glob (hence the constants), and a project's named inputs over nx.json's of the same name
 * (hence `lychd-*`: a workspace's own `default` or `production` keep meaning theirs).
 */
const INPUT = {
  /** The plugin's own code: Nx does not hash the code a command runs (see pluginFiles). */
  plugin: 'lychd-plugin',
  /** The npm packages that code runs on. */
  pluginPackages: 'lychd-plugin-packages',
  /** Everything that decides whether the Codex is valid: every rune file and which extensions exist. */
  codex: 'lychd-codex',
  /** The core's and the extensions' manifests, one name per lock. */
  pythonProjects: 'lychd-python-projects',
  nodeProjects: 'lychd-node-projects',
  tailwindConfigs: 'lychd-tailwind-configs',
  /** Every file of the core and of the extensions. */
  components: 'lychd-components',
  /** Which extensions are active and where the core lives, `[forge]`: `codex:context`'s forge.json. */
  settings: 'lychd-settings',
  /** `forge:base`'s record of the base the image is built on. */
  base: 'lychd-base',
  /** The versions of the tools a stage records: a new uv or npm must re-lock. */
  uv: 'lychd-uv-version',
  npm: 'lychd-npm-version',
  mmdebstrap: 'lychd-mmdebstrap-version',
  buildah: 'lychd-buildah-version',
  nix: 'lychd-nix-version',
  /** skopeo writes the OCI layout of both image paths. */
  skopeo: 'lychd-skopeo-version',
} as const;
type InputName = (typeof INPUT)[keyof typeof INPUT];

/**
 * A file that a task this one depends on directly writes, as its writer names it in
 * artifacts/paths: never a glob of its own, which would stop matching when the file moves and
 * give a stale cache hit. `**` matches wherever Nx roots the paths it compares. A task that reads
 * it names its writer in its own `dependsOn`, never through Nx's `transitive`: Nx hashes the
 * output paths of every task before it, and while federation comes first (federationFirst) the
 * tasks before `context` differ, so the same task would get a second hash and run again.
 */
const writtenBefore = (file: string): Input => ({ dependentTasksOutputFiles: `**/${file}` });

function namedInputs(layout: PluginLayout, core: string): Record<InputName, Input[]> {
  const components = (glob: string) => [`{workspaceRoot}/${core}/${glob}`, `{workspaceRoot}/${layout.extensionsDir}/*/${glob}`];
  const toolVersion = (tool: string) => [{ runtime: `${pluginScript(layout, 'tool-version.js')} ${tool}` }];
  return {
    [INPUT.plugin]: [...pluginFiles(layout), INPUT.pluginPackages],
    [INPUT.pluginPackages]: [pluginPackages()],
    [INPUT.codex]: [
      `{workspaceRoot}/${layout.codexDir}/**/*.toml`,
      `{workspaceRoot}/${layout.extensionsDir}/*/${EXTENSION_MANIFEST}`,
      `{workspaceRoot}/${layout.extensionsDir}/*/runes/**/*.toml`,
      // What the extensions' hooks registered, and the schemas of the rune families they declared.
      inWorkspace(REGISTRY_FILE),
      `{workspaceRoot}/${layout.extensionsDir}/*/**/*.schema.json`,
    ],
    [INPUT.pythonProjects]: components('pyproject.toml'),
    [INPUT.nodeProjects]: components('package.json'),
    [INPUT.tailwindConfigs]: components('tailwind.config.*'),
    [INPUT.components]: [`{workspaceRoot}/${core}/**/*`, `{workspaceRoot}/${layout.extensionsDir}/**/*`],
    [INPUT.settings]: [writtenBefore(factsFile(layout, FACTS.forge))],
    [INPUT.base]: [writtenBefore(BASE_RECORD_FILE)],
    [INPUT.uv]: toolVersion('uv'),
    [INPUT.npm]: toolVersion('npm'),
    [INPUT.mmdebstrap]: toolVersion('mmdebstrap'),
    [INPUT.buildah]: toolVersion('buildah'),
    [INPUT.nix]: toolVersion('nix'),
    [INPUT.skopeo]: toolVersion('skopeo'),
  };
}

/** Gives the project, as its `namedInputs`, the named inputs its targets name, and those they name in turn. */
function addNamedInputs(project: Pick<ProjectConfiguration, 'targets' | 'namedInputs'>, catalog: Record<InputName, Input[]>): void {
  const used: Partial<Record<InputName, Input[]>> = {};
  const visit = (inputs: readonly Input[]) => {
    for (const input of inputs)
      if (typeof input === 'string' && input in catalog && !(input in used)) {
        const name = input as InputName;
        used[name] = catalog[name];
        visit(catalog[name]);
      }
  };
  for (const target of Object.values(project.targets ?? {})) visit(target.inputs ?? []);
  const names = Object.keys(used).sort() as InputName[];
  if (names.length) project.namedInputs = Object.fromEntries(names.map((n) => [n, used[n]!]));
}

/** The options every task that reads the Codex or the extensions is given. */
const codexFolders = (layout: PluginLayout) => ({ codexDir: layout.codexDir, extensionsDir: layout.extensionsDir });

/**
 * Before forge/federation.json exists (a fresh clone of a workspace that does not commit it) or
 * while it is stale, the Codex cannot be validated without it: a rune in a folder an extension
 * registers has no family yet. Then `validate` and `context` wait for `federate`, and `federate`'s
 * lock (`lock-python`) reads the Prime Scroll itself instead of waiting for `context`.
 */
const federationFirst = (layout: PluginLayout, first: boolean): Pick<TargetConfiguration, 'dependsOn'> =>
  first ? { dependsOn: [{ projects: [projectName(layout, 'forge')], target: 'federate' }] } : {};

function codexProject(layout: PluginLayout, first: boolean): ProjectConfiguration {
  const options = codexFolders(layout);
  return {
    root: layout.codexDir,
    name: projectName(layout, 'codex'),
    tags: ['type:codex'],
    implicitDependencies: pluginProject(layout),
    targets: {
      validate: {
        ...task(layout, 'validate', options),
        cache: true,
        ...federationFirst(layout, first),
        // The synthesis rules it also checks read every component's manifests.
        inputs: [INPUT.codex, INPUT.pythonProjects, INPUT.nodeProjects, INPUT.tailwindConfigs, INPUT.plugin],
        outputs: [],
      },
      context: {
        ...task(layout, 'context', { ...options, outputDir: layout.factsDir }),
        cache: true,
        ...federationFirst(layout, first),
        inputs: [INPUT.codex, INPUT.plugin],
        outputs: [`{workspaceRoot}/${layout.factsDir}`],
      },
    },
  };
}

function runeFolderProject(layout: PluginLayout, { folder, project: name }: RuneFolder): ProjectConfiguration {
  const scribe: TargetConfiguration = {
    ...task(layout, 'scribe-runes', {
      folder,
      ...codexFolders(layout),
      facts: factsFile(layout, FACTS.runes),
      outputFile: runeOutputFile(name),
    }),
    cache: true,
    dependsOn: [{ projects: [projectName(layout, 'codex')], target: 'context' }],
    // Its own files, the covens of the others and the plugin's digest (both in the facts
    // codex:context writes, which hashes the plugin's files once): nothing else changes its units.
    inputs: [`{workspaceRoot}/${folder}/*.toml`, writtenBefore(factsFile(layout, FACTS.runes)), INPUT.pluginPackages],
    outputs: [inWorkspace(runeOutputFile(name))],
  };
  return {
    root: folder,
    name,
    tags: ['type:runes'],
    implicitDependencies: pluginProject(layout),
    targets: { scribe, bind: { executor: 'nx:noop', dependsOn: ['scribe'], inputs: [] } },
  };
}

/**
 * The project configuration is part of every task hash in it, so it names the rune folders but
 * no rune: a rune added to a folder never invalidates the pod or the core services.
 */
function quadletsProject(layout: PluginLayout, runes: string[]): ProjectConfiguration {
  const targets: Record<string, TargetConfiguration> = {};
  for (const part of AGGREGATES) {
    targets[`scribe-${part}`] = {
      ...task(layout, 'scribe-aggregate', { part, facts: factsFile(layout, part), outputDir: `${AGGREGATES_DIR}/${part}` }),
      cache: true,
      dependsOn: [{ projects: [projectName(layout, 'codex')], target: 'context' }],
      inputs: [writtenBefore(factsFile(layout, part)), INPUT.plugin],
      outputs: [inWorkspace(`${AGGREGATES_DIR}/${part}`)],
    };
  }
  targets['scribe'] = {
    ...task(layout, 'assemble', {
      runesDir: RUNE_UNITS_DIR,
      runes,
      aggregates: AGGREGATES,
      aggregatesDir: AGGREGATES_DIR,
      outputDir: layout.generationDir,
    }),
    cache: true,
    dependsOn: [...AGGREGATES.map((p) => `scribe-${p}`), ...(runes.length ? [{ projects: runes, target: 'scribe' }] : [])],
    inputs: [{ dependentTasksOutputFiles: '**/*' }, INPUT.plugin],
    outputs: [inWorkspace(GENERATION_DIR)],
  };
  const bindOptions = { generationDir: layout.generationDir, facts: factsFile(layout, FACTS.secrets) };
  // Nx picks affected tasks by their inputs: every Codex file is one, so any edit selects bind.
  // Cached, yet reaching outside the workspace: the Binding Site's state is an input, which repeats
  // only while the site holds this very generation intact; so a hit is a bind with nothing to do.
  // Reading `scribe`'s outputs makes Nx hash it after `scribe` ran, against the fresh generation.
  targets['bind'] = {
    ...task(layout, 'bind', bindOptions),
    cache: true,
    dependsOn: ['scribe'],
    inputs: [
      INPUT.codex,
      INPUT.plugin,
      { dependentTasksOutputFiles: '**/*' },
      { runtime: `${pluginScript(layout, 'binding-state.js')} ${layout.generationDir}` },
    ],
    outputs: [],
  };
  targets['bind-check'] = {
    ...task(layout, 'bind', { ...bindOptions, check: true }),
    cache: false,
    dependsOn: ['scribe'],
    inputs: [INPUT.codex, INPUT.plugin],
  };
  return {
    root: QUADLETS_DIR,
    name: projectName(layout, 'quadlets'),
    tags: ['type:quadlets'],
    // It assembles the rune folders' units. Saying so also lets Nx start a rune folder's scribe,
    // on the way to bind, before the aggregates when both wait (it runs first what more depend on).
    implicitDependencies: [...pluginProject(layout), projectName(layout, 'codex'), ...runes],
    targets,
  };
}

function forgeProject(layout: PluginLayout, extensions: string[], core: string, first: boolean, strategy: Strategy): ProjectConfiguration {
  const afterFacts = [{ projects: [projectName(layout, 'codex')], target: 'context' }];
  const synthesis = synthesisTargets(layout, afterFacts);
  if (first) synthesis['lock-python'] = lockBeforeFacts(layout, synthesis['lock-python']!);
  return {
    root: FORGE_DIR,
    name: projectName(layout, 'forge'),
    tags: ['type:forge'],
    implicitDependencies: [
      ...pluginProject(layout),
      ...['codex', 'quadlets', ...extensions.map((e) => `extension-${e}`)].map((p) => projectName(layout, p)),
    ],
    targets: {
      ...synthesis,
      federate: federateTarget(layout, core),
      // The tools beyond npm packages, into the workspace's .tools (uncached: it installs).
      setup: {
        executor: 'nx:run-commands',
        options: { command: `${pluginScript(layout, 'lychd-forge.js')} setup` },
        cache: false,
        inputs: [],
      },
      ...flakeTargets(layout),
      ...imageTargets(layout, afterFacts, strategy),
    },
  };
}

/** `lock-python` while federation comes first (see federationFirst): it reads the Prime Scroll, not `context`'s facts. */
function lockBeforeFacts(layout: PluginLayout, lock: TargetConfiguration): TargetConfiguration {
  const scroll = inWorkspace(primeScrollPath(layout));
  return { ...lock, dependsOn: [], inputs: lock.inputs?.map((input) => (input === INPUT.settings ? scroll : input)) };
}

/** The synthesis, one cached stage per lock, the cheap assembly and the uncached check. */
function synthesisTargets(layout: PluginLayout, afterFacts: TargetConfiguration['dependsOn']): Record<string, TargetConfiguration> {
  const stage = (
    stageName: string,
    inputs: TargetConfiguration['inputs'],
    outputs: string[],
    dependsOn: TargetConfiguration['dependsOn'] = afterFacts,
  ): TargetConfiguration => ({
    ...task(layout, 'synthesis', { stage: stageName, ...codexFolders(layout), quadletsDir: layout.generationDir }),
    cache: true,
    dependsOn,
    inputs: [...(inputs ?? []), INPUT.plugin],
    outputs,
  });
  return {
    'lock-python': stage('python', [INPUT.pythonProjects, INPUT.settings, INPUT.uv], [inWorkspace(PYTHON_DIR)]),
    'lock-node': stage('node', [INPUT.nodeProjects, INPUT.settings, INPUT.npm], [inWorkspace(NODE_DIR)]),
    tailwind: stage('tailwind', [INPUT.tailwindConfigs, INPUT.settings], [inWorkspace(TAILWIND_DIR)]),
    // The cheap assembly: digests of every input and of the locks and quadlets; never re-locks.
    synthesize: stage(
      'manifest',
      [
        inWorkspace(primeScrollPath(layout)),
        INPUT.components,
        inWorkspace(`${TEMPLATES_DIR}/**/*`),
        inWorkspace(FLAKE_LOCK),
        inWorkspace(REGISTRY_FILE),
        { dependentTasksOutputFiles: '**/*' },
        INPUT.uv,
        INPUT.npm,
      ],
      [inWorkspace(MANIFEST_FILE)],
      ['lock-python', 'lock-node', 'tailwind', { projects: [projectName(layout, 'quadlets')], target: 'scribe' }],
    ),
    'synthesize-check': {
      ...task(layout, 'synthesis', { stage: 'check', ...codexFolders(layout), quadletsDir: layout.generationDir }),
      cache: false,
      dependsOn: [{ projects: [projectName(layout, 'quadlets')], target: 'scribe' }],
      // Uncached; its inputs decide when `nx affected` selects it.
      inputs: [INPUT.codex, INPUT.plugin, INPUT.components, inWorkspace(`${FORGE_DIR}/**/*`), inWorkspace(FLAKE_LOCK)],
    },
  };
}

/** The extensions' register hooks, run in the locked environment: their sources, the core's and the lock. */
function federateTarget(layout: PluginLayout, core: string): TargetConfiguration {
  return {
    ...task(layout, 'federate', codexFolders(layout)),
    cache: true,
    dependsOn: ['lock-python'],
    inputs: [
      `{workspaceRoot}/${core}/src/**/*`,
      `{workspaceRoot}/${layout.extensionsDir}/*/src/**/*`,
      `{workspaceRoot}/${layout.extensionsDir}/*/${EXTENSION_MANIFEST}`,
      writtenBefore(PYTHON_FILES.lock),
      INPUT.uv,
      INPUT.plugin,
    ],
    outputs: [inWorkspace(REGISTRY_FILE), inWorkspace(FEDERATION_SOURCES_FILE)],
  };
}

/** The Sovereign path's flake.nix: rendered from the manifest and the Prime Scroll only. */
function flakeTargets(layout: PluginLayout): Record<string, TargetConfiguration> {
  return {
    flake: {
      ...task(layout, 'flake', { codexDir: layout.codexDir }),
      cache: true,
      dependsOn: ['synthesize'],
      inputs: [
        inWorkspace(primeScrollPath(layout)),
        inWorkspace(MANIFEST_FILE),
        // flake.nix names the versions the Debian lock holds.
        inWorkspace(DEBIAN_LOCK_FILE),
        inWorkspace(FLAKE_TEMPLATE),
        INPUT.plugin,
      ],
      outputs: [inWorkspace(FLAKE_FILE)],
    },
    'flake-check': {
      ...task(layout, 'flake', { codexDir: layout.codexDir, check: true }),
      cache: false,
      inputs: [inWorkspace(primeScrollPath(layout)), inWorkspace(`${FORGE_DIR}/**/*`), inWorkspace(FLAKE_FILE), inWorkspace(FLAKE_LOCK)],
    },
  };
}

/**
 * The image: `base` (built from Debian or pinned), `containerfile` (rendered, committed) and
 * `image` (buildah). The image hashes the Synthesis Manifest, the Containerfile, the synthesized
 * uv workspace, the core's and extensions' sources (not their runes), the base and buildah's
 * version: a rune edit is a cache hit. `[forge]` reaches them through codex:context's forge.json.
 */
function imageTargets(
  layout: PluginLayout,
  afterFacts: NonNullable<TargetConfiguration['dependsOn']>,
  strategy: Strategy,
): Record<string, TargetConfiguration> {
  const forgeTask = (stage: string) => task(layout, 'forge', { stage, codexDir: layout.codexDir });
  const rendered = [inWorkspace(MANIFEST_FILE), inWorkspace(`${TEMPLATES_DIR}/**/*`), INPUT.settings, INPUT.base, INPUT.plugin];
  return {
    base: {
      ...forgeTask('base'),
      cache: true,
      dependsOn: afterFacts,
      // A Debian base is built from the Debian lock's files.
      inputs: [inWorkspace(DEBIAN_LOCK_FILE), INPUT.settings, INPUT.mmdebstrap, INPUT.plugin],
      outputs: [inWorkspace(BASE_DIR)],
    },
    // Asks the archive what it serves now: never cached, run on purpose to (re-)lock.
    // Its inputs only decide when `nx affected` selects it (Nx hashes every task it runs).
    'debian-lock': {
      ...forgeTask('debian-lock'),
      cache: false,
      // It builds the base it resolves on: the base target reads the lock it writes.
      dependsOn: afterFacts,
      inputs: [inWorkspace(MANIFEST_FILE), INPUT.settings, INPUT.plugin],
    },
    containerfile: {
      ...forgeTask('containerfile'),
      cache: true,
      // The writers of what it hashes (INPUT.base, INPUT.settings), each named: see writtenBefore.
      dependsOn: ['base', ...afterFacts],
      inputs: rendered,
      outputs: [inWorkspace(CONTAINERFILE)],
    },
    'containerfile-check': {
      ...forgeTask('containerfile-check'),
      cache: false,
      dependsOn: ['base', ...afterFacts],
      inputs: [...rendered, inWorkspace(CONTAINERFILE)],
    },
    // `[forge] strategy` decides the image's graph: the Containerfile on its Debian base
    // (Mundane), or flake.nix and its lock built by Nix (Sovereign), never both.
    image: {
      ...forgeTask('image'),
      cache: true,
      dependsOn: [...(strategy === 'sovereign' ? ['flake'] : ['containerfile', 'base']), ...afterFacts],
      inputs: [
        inWorkspace(MANIFEST_FILE),
        ...(strategy === 'sovereign'
          ? [inWorkspace(FLAKE_FILE), inWorkspace(FLAKE_LOCK), INPUT.nix]
          : [inWorkspace(CONTAINERFILE), INPUT.base, INPUT.buildah]),
        INPUT.skopeo,
        inWorkspace(`${PYTHON_DIR}/*`),
        inWorkspace(`${NODE_DIR}/*`),
        inWorkspace(`${TAILWIND_DIR}/*`),
        INPUT.components,
        `!{workspaceRoot}/${layout.extensionsDir}/*/runes/**/*`,
        INPUT.settings,
        INPUT.plugin,
      ],
      outputs: [inWorkspace(IMAGE_DIR)],
    },
  };
}

/**
 * The core's folder, `[forge] core`: the Prime Scroll alone, read by the Codex loader's reader,
 * not the whole Codex. An invalid scroll gives the default: codex:validate reports it, and every
 * target depends on that.
 */
type Strategy = 'mundane' | 'sovereign';

/** `[forge] strategy`, read as coreDir reads the core (an invalid scroll gives the default). */
async function imageStrategy(workspaceRoot: string, layout: PluginLayout): Promise<Strategy> {
  const { readScrollSettings } = await import('../codex/prime-scroll');
  return readScrollSettings(path.join(workspaceRoot, layout.codexDir)).settings?.forge.strategy ?? 'mundane';
}

async function coreDir(workspaceRoot: string, layout: PluginLayout): Promise<string> {
  // Loaded on a cache miss only: the schemas are most of the plugin's start-up.
  const { readScrollSettings } = await import('../codex/prime-scroll');
  return readScrollSettings(path.join(workspaceRoot, layout.codexDir)).settings?.core ?? 'core';
}
