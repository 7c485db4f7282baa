import { logger, readNxJson, updateNxJson, visitNotIgnoredFiles, type NxJsonConfiguration, type Tree } from '@nx/devkit';
import { DIST_DIR, GENERATION_DIR, SYNTHESIS_DIR } from '../../artifacts/paths';
import { EXTENSION_MANIFEST, isExtensionName } from '../../codex/extensions';
import { codexFoldersOf, primeScrollPath } from '../../codex/folders';
import { PLUGIN_NAME } from '../../nx/nx-json';
import { ForgeError, type Diagnostic } from '../../diagnostics';
import { projectClashes, projectFileGlobs, type OwnProject } from '../../nx/clashes';
import { pluginLayout, projectName, runeFolderOf, type PluginLayout } from '../../nx/plugin-layout';
import { projectPrefixOf } from '../../nx/names';
import { shippedExample, type ExamplePart } from './example';

export interface InitGeneratorOptions {
  codexDir?: string;
  extensionsDir?: string;
  projectPrefix?: string;
  /** Also write the shipped example: a Codex, the core and three extensions. */
  example?: boolean;
}

/**
 * What the Forge writes that is never committed: the tools `lychd-forge setup` installs, the
 * intermediate task outputs, the scratch folders of the image build and of the hooks' environment,
 * the rendered generation and the synthesis's staging folders.
 */
export const GITIGNORE_LINES = [
  // No trailing slash: a .tools that is a link to a shared install is ignored as well.
  '/.tools',
  `/${DIST_DIR}/`,
  '/tmp/forge/',
  '/tmp/forge-hooks-venv/',
  `/${GENERATION_DIR}/`,
  `/${SYNTHESIS_DIR}/.stage-*`,
] as const;

const GITIGNORE_HEADING = '# The LychD Forge (nx g @lychd/forge:init)';

type PluginEntry = { plugin: string; options?: Record<string, unknown> };

/** The plugin's options, as init writes them into nx.json. */
type PluginOptions = { codexDir: string; extensionsDir: string; projectPrefix?: string };

/**
 * `nx g @lychd/forge:init` (what `nx add @lychd/forge` runs): registers the plugin in nx.json with
 * its folders and project prefix, adds the lines the Forge needs to .gitignore and writes the
 * image's templates (forge/templates) where they are missing; with --example, the shipped example
 * too. Run again with the same options it changes nothing. Everything is checked before anything
 * is written, and any problem (nx.json registering the plugin with other options, an example file
 * that would replace a different one, a project name taken) is reported with nothing changed.
 */
export default async function initGenerator(tree: Tree, options: InitGeneratorOptions): Promise<void> {
  const codexFolders = codexFoldersOf({ codexDir: options.codexDir, extensionsDir: options.extensionsDir });
  const projectPrefix = projectPrefixOf({ projectPrefix: options.projectPrefix ?? '' });
  const wanted: PluginOptions = { ...codexFolders, ...(projectPrefix ? { projectPrefix } : {}) };
  const layout = pluginLayout(wanted, tree.root);

  const nxJson: NxJsonConfiguration = (tree.exists('nx.json') ? readNxJson(tree) : null) ?? {};
  const registered = checkRegistration(nxJson, wanted);
  const shipped = shippedExample();
  const destination: Record<ExamplePart, string> = {
    codex: codexFolders.codexDir,
    core: shipped.core,
    extensions: codexFolders.extensionsDir,
    'forge/templates': 'forge/templates',
  };
  const problems: Diagnostic[] = [];
  const writes: { file: string; content: Buffer; folder: string }[] = [];
  for (const file of shipped.files) {
    if (file.part !== 'forge/templates' && !options.example) continue;
    const to = `${destination[file.part]}/${file.rel}`;
    const existing = tree.read(to);
    if (!existing) writes.push({ file: to, content: file.content, folder: destination[file.part] });
    // The templates are the workspace's to change: one already there is kept.
    else if (!existing.equals(file.content) && file.part !== 'forge/templates')
      problems.push({
        severity: 'error',
        code: 'LYCHD803',
        file: to,
        message: 'the example would replace this file, which differs from it',
        hint: 'run init --example into folders without these files (--codexDir, --extensionsDir), or without --example',
      });
  }
  if (problems.length) throw new ForgeError(problems, `@lychd/forge:init: nothing was written.`);

  const files = [...writes.map((w) => w.file), ...filesUnder(tree, [codexFolders.codexDir, codexFolders.extensionsDir])];
  const clash = await projectClashes(tree.root, projectFileGlobs(tree.root), forgeProjects(layout, files), projectPrefix, 'init');
  if (clash) throw clash;

  if (!registered) updateNxJson(tree, { ...nxJson, plugins: [...(nxJson.plugins ?? []), { plugin: PLUGIN_NAME, options: wanted }] });
  const ignored = addGitignoreLines(tree);
  for (const { file, content } of writes) tree.write(file, content);

  const report = [
    registered
      ? `nx.json already registers ${PLUGIN_NAME} with these options: unchanged`
      : `registered ${PLUGIN_NAME} in nx.json: ${describe(wanted)}`,
    ignored.length ? `.gitignore: added ${ignored.join(' ')}` : '.gitignore: already has the Forge’s lines',
    writes.length ? `wrote ${writes.length} file(s): ${summarize(writes.map((w) => w.folder))}` : 'no file to write',
  ];
  for (const line of report) logger.info(`@lychd/forge:init: ${line}`);
  if (!tree.exists(primeScrollPath(codexFolders)))
    logger.info(`@lychd/forge:init: no Codex yet: write ${primeScrollPath(codexFolders)} (or run init --example)`);
}

/**
 * Whether nx.json registers the plugin with these options already (true) or not at all (false);
 * with other options, an error: which options decide every path and name, so the user chooses.
 */
function checkRegistration(nxJson: NxJsonConfiguration, wanted: PluginOptions): boolean {
  const entries = (nxJson.plugins ?? []).filter((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (!entries.length) return false;
  const has = entries.map((p) => (typeof p === 'string' ? {} : ((p as PluginEntry).options ?? {})));
  if (has.some((o) => same(o, wanted))) return true;
  throw new ForgeError([
    {
      severity: 'error',
      code: 'LYCHD802',
      file: 'nx.json',
      field: 'plugins',
      message: `${PLUGIN_NAME} is registered already, with ${has.map((o) => describe(o)).join('; ')}; this run asked for ${describe(wanted)}`,
      why: "the plugin's options decide where its files are and what its projects are called",
      hint: `keep the registered options (run init with them, or not at all), or change the plugin's entry in nx.json by hand; nothing was changed`,
    },
  ]);
}

function same(options: Record<string, unknown>, wanted: PluginOptions): boolean {
  try {
    const folders = codexFoldersOf(options);
    return (
      folders.codexDir === wanted.codexDir &&
      folders.extensionsDir === wanted.extensionsDir &&
      projectPrefixOf(options) === (wanted.projectPrefix ?? '')
    );
  } catch {
    return false; // options the plugin refuses are other options
  }
}

const describe = (o: { [key: string]: unknown }) =>
  ['codexDir', 'extensionsDir', 'projectPrefix'].map((k) => `${k} ${o[k] === undefined ? '(default)' : JSON.stringify(o[k])}`).join(', ');

/** The Forge's lines .gitignore lacks, added under one heading; the lines added. */
function addGitignoreLines(tree: Tree): string[] {
  const text = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const present = new Set(text.split('\n').map((l) => l.trim().replace(/^\//, '')));
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l.replace(/^\//, '')));
  if (!missing.length) return [];
  const lead = text === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  const heading = present.has(GITIGNORE_HEADING) ? [] : [GITIGNORE_HEADING];
  tree.write('.gitignore', `${text}${lead}${[...heading, ...missing].join('\n')}\n`);
  return missing;
}

/** The files under some folders of the workspace, as Nx sees them (ignored files left out). */
function filesUnder(tree: Tree, dirs: string[]): string[] {
  const files: string[] = [];
  for (const dir of dirs) if (tree.exists(dir)) visitNotIgnoredFiles(tree, dir, (f) => files.push(f));
  return files;
}

/** The projects the plugin will infer from these files: their names and roots, for the clash check. */
function forgeProjects(layout: PluginLayout, files: string[]): OwnProject[] {
  const own = new Map<string, OwnProject>();
  const add = (root: string, base: string) => own.set(root, { root, name: projectName(layout, base) });
  add(layout.codexDir, 'codex');
  add('quadlets', 'quadlets');
  add('forge', 'forge');
  for (const file of files) {
    const runes = runeFolderOf(layout, file);
    if (runes) own.set(runes.folder, { root: runes.folder, name: runes.project });
    const [ext, manifest, ...rest] = file.startsWith(`${layout.extensionsDir}/`)
      ? file.slice(layout.extensionsDir.length + 1).split('/')
      : [];
    if (ext && manifest === EXTENSION_MANIFEST && !rest.length && isExtensionName(ext))
      add(`${layout.extensionsDir}/${ext}`, `extension-${ext}`);
  }
  return [...own.values()];
}

/** How many files went into each folder: `deploy/codex/ (8), core/ (4)`. */
function summarize(folders: string[]): string {
  const counts = new Map<string, number>();
  for (const f of folders) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].map(([dir, n]) => `${dir}/ (${n})`).join(', ');
}
