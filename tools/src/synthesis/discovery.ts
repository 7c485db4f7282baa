import * as fs from 'node:fs';
import * as path from 'node:path';
import { extensionFolders, extensionLinks, extensionNameProblem } from '../codex/extensions';
import { DEFAULT_CODEX_FOLDERS, primeScrollPath, type CodexFolders } from '../codex/folders';
import { readScrollSettings, type ScrollSettings } from '../codex/prime-scroll';
import type { Diagnostic } from '../diagnostics';
import type { SynthesisProblem } from './problems';
import { SynthesisError, throwIfAny } from './problems';
import { walkTree } from '../artifacts/tree';
import { abs, toPosix } from '../shared/workspace-path';
import type { TomlFile } from './toml';

/** The core or one extension: a folder that may carry a pyproject, a package.json and a tailwind config. */
export interface Component {
  kind: 'core' | 'extension';
  /** `core` for the core, the folder name for an extension. */
  name: string;
  /** Workspace-relative folder. */
  dir: string;
}

/** A component's pyproject with what synthesis needs from it. */
export interface PythonComponent {
  component: Component;
  file: string;
  toml: TomlFile;
  /** `[project] name`, as written. */
  projectName: string;
  /** `[tool.lychd] system-dependencies`, unvalidated. */
  systemDependencies: unknown[];
  /** `[tool.lychd] capabilities`. */
  capabilities: string[];
}

export interface Extension extends Component {
  kind: 'extension';
}

/**
 * Lists the extensions in the extensions folder (the default one unless given),
 * sorted by name, as the Codex loader and the Nx plugin define them (codex/extensions.ts); an
 * invalid folder name is an error, never skipped. `active` narrows the list, and an active name without a folder is an error.
 */
export function discoverExtensions(workspaceRoot: string, active?: string[], folders: CodexFolders = DEFAULT_CODEX_FOLDERS): Extension[] {
  const dir = folders.extensionsDir;
  const problems: SynthesisProblem[] = [];
  for (const name of extensionLinks(abs(workspaceRoot, dir))) {
    problems.push({
      code: 'LYCHD200',
      file: `${dir}/${name}`,
      field: '(folder)',
      message: 'is a symbolic link; an extension is a plain folder',
      fix: 'replace the link with a copy of the folder it points to',
    });
  }
  const all = extensionFolders(abs(workspaceRoot, dir));
  for (const name of all) {
    const problem = extensionNameProblem(name);
    if (problem)
      problems.push({
        code: 'LYCHD200',
        file: `${dir}/${name}/pyproject.toml`,
        field: '(folder)',
        message: problem,
        fix: 'rename the folder to a valid extension name',
      });
  }
  const found = all.filter((n) => !extensionNameProblem(n));
  const names = active === undefined ? found : activeNames(active, found, folders, problems);
  throwIfAny(problems);
  return names.sort().map((name) => ({ kind: 'extension', name, dir: `${dir}/${name}` }));
}

/** The Prime Scroll's `extensions.active` against the folders found: each with a folder (the schema refuses a repeated name). */
function activeNames(active: string[], found: string[], folders: CodexFolders, problems: SynthesisProblem[]): string[] {
  const file = primeScrollPath(folders);
  for (const name of active) {
    if (!found.includes(name))
      problems.push({
        code: 'LYCHD111',
        file,
        field: 'extensions.active',
        message:
          `names "${name}", but there is no extension folder ${folders.extensionsDir}/${name}/ with a pyproject.toml` +
          (found.length ? ` (found: ${found.join(', ')})` : ' (no extensions found)'),
        fix: `create ${folders.extensionsDir}/${name}/ or remove "${name}" from extensions.active`,
      });
  }
  return active.filter((n) => found.includes(n));
}

/** The core followed by the active extensions: every component that takes part in a synthesis. */
export interface Components {
  folders: CodexFolders;
  settings: ScrollSettings;
  core: Component;
  extensions: Extension[];
  all: Component[];
}

/**
 * The components in the workspace's Codex folders (the default ones unless given), from the Prime
 * Scroll's settings (read by the Codex loader's reader when not given).
 */
export function discoverComponents(
  workspaceRoot: string,
  folders: CodexFolders = DEFAULT_CODEX_FOLDERS,
  settings?: ScrollSettings,
): Components {
  settings ??= settingsOf(workspaceRoot, folders);
  const problems: SynthesisProblem[] = [];
  let extensions: Extension[] = [];
  try {
    extensions = discoverExtensions(workspaceRoot, settings.active, folders);
  } catch (e) {
    if (!(e instanceof SynthesisError)) throw e;
    problems.push(...e.problems);
  }
  if (!fs.existsSync(abs(workspaceRoot, settings.core)))
    problems.push({
      code: 'LYCHD802',
      file: primeScrollPath(folders),
      field: 'forge.core',
      message: `points at ${settings.core}/, which does not exist`,
      fix: 'create the core Python project there or set forge.core to its folder',
    });
  throwIfAny(problems);
  const core: Component = { kind: 'core', name: 'core', dir: settings.core };
  return { folders, settings, core, extensions, all: [core, ...extensions] };
}

/** The Prime Scroll's settings; its problems, in the synthesis's terms, when it is invalid. */
function settingsOf(workspaceRoot: string, folders: CodexFolders): ScrollSettings {
  const read = readScrollSettings(abs(workspaceRoot, folders.codexDir));
  if (!read.settings) throw new SynthesisError(read.diagnostics.map((d) => scrollProblem(workspaceRoot, folders, d)));
  return read.settings;
}

const scrollProblem = (workspaceRoot: string, folders: CodexFolders, d: Diagnostic): SynthesisProblem => ({
  code: d.code,
  file: d.file ? toPosix(path.relative(workspaceRoot, d.file)) : primeScrollPath(folders),
  line: d.line,
  field: d.field ?? '(file)',
  message: d.message,
  fix: d.hint ?? 'correct the Prime Scroll',
});

/** Where a stage takes its components from: given, or discovered in the workspace's Codex folders. */
export interface ComponentSource {
  workspaceRoot: string;
  /** The workspace's Codex and extensions folders; the default ones when omitted. */
  folders?: CodexFolders;
  /** The Prime Scroll's settings, when the caller has read them already. */
  settings?: ScrollSettings;
  /** Already discovered (by an earlier stage of the same run), so the Prime Scroll is read once. */
  components?: Components;
}

export const componentsOf = (source: ComponentSource): Components =>
  source.components ?? discoverComponents(source.workspaceRoot, source.folders, source.settings);

export function describe(c: Component): string {
  return c.kind === 'core' ? 'the core' : `extension ${c.name}`;
}

/**
 * What the tree walker refuses in each component (links, special files, huge files, control
 * characters in names), as problems at the file itself: every copier and hasher follows the
 * same rule, so validation, synthesis and the image builds refuse the same trees up front.
 */
export function componentTreeProblems(workspaceRoot: string, dirs: string[]): SynthesisProblem[] {
  return dirs.flatMap((dir) =>
    fs.existsSync(abs(workspaceRoot, dir))
      ? walkTree(abs(workspaceRoot, dir)).problems.map((p) => ({
          code: 'LYCHD305',
          file: `${dir}/${p.rel}`,
          field: '(file)',
          message: p.message,
          fix: p.fix,
        }))
      : [],
  );
}
