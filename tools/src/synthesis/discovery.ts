import * as fs from 'node:fs';
import { extensionFolders, extensionLinks, extensionNameProblem } from '../codex/extensions';
import type { SynthesisProblem } from './problems';
import { SynthesisError, throwIfAny } from './problems';
import { abs, EXTENSIONS_DIR, PRIME_SCROLL } from './layout';
import { readScrollSettings, type ScrollSettings } from './scroll';

/** The core or one extension: a folder that may carry a pyproject, a package.json and a tailwind config. */
export interface Component {
  kind: 'core' | 'extension';
  /** `core` for the core, the folder name for an extension. */
  name: string;
  /** Workspace-relative folder. */
  dir: string;
}

export interface Extension extends Component {
  kind: 'extension';
}

/**
 * Lists the extensions under `extensions/`, sorted by name, as the Codex loader and the Nx
 * plugin define them (codex/extensions.ts); an invalid folder name is an error, never skipped.
 * `active` narrows the list, and an active name without a folder is an error.
 */
export function discoverExtensions(workspaceRoot: string, active?: string[]): Extension[] {
  const problems: SynthesisProblem[] = [];
  for (const name of extensionLinks(abs(workspaceRoot, EXTENSIONS_DIR))) {
    problems.push({ file: `${EXTENSIONS_DIR}/${name}`, field: '(folder)', message: 'is a symbolic link; an extension is a plain folder', fix: 'replace the link with a copy of the folder it points to' });
  }
  const all = extensionFolders(abs(workspaceRoot, EXTENSIONS_DIR));
  for (const name of all) {
    const problem = extensionNameProblem(name);
    if (problem) problems.push({ file: `${EXTENSIONS_DIR}/${name}/pyproject.toml`, field: '(folder)', message: problem, fix: 'rename the folder to a valid extension name' });
  }
  const found = all.filter((n) => !extensionNameProblem(n));
  let names = found;
  if (active !== undefined) {
    const seen = new Set<string>();
    for (const name of active) {
      if (seen.has(name))
        problems.push({
          file: PRIME_SCROLL,
          field: 'extensions.active',
          message: `names "${name}" twice`,
          fix: 'list each extension once',
        });
      seen.add(name);
      if (!found.includes(name))
        problems.push({
          file: PRIME_SCROLL,
          field: 'extensions.active',
          message: `names "${name}", but there is no extension folder ${EXTENSIONS_DIR}/${name}/ with a pyproject.toml` +
            (found.length ? ` (found: ${found.join(', ')})` : ' (no extensions found)'),
          fix: `create ${EXTENSIONS_DIR}/${name}/ or remove "${name}" from extensions.active`,
        });
    }
    names = [...seen].filter((n) => found.includes(n));
  }
  throwIfAny(problems);
  return names.sort().map((name) => ({ kind: 'extension', name, dir: `${EXTENSIONS_DIR}/${name}` }));
}

/** The core followed by the active extensions: every component that takes part in a synthesis. */
export interface Components {
  settings: ScrollSettings;
  core: Component;
  extensions: Extension[];
  all: Component[];
}

export function discoverComponents(workspaceRoot: string): Components {
  const problems: SynthesisProblem[] = [];
  const settings = readScrollSettings(workspaceRoot, problems);
  let extensions: Extension[] = [];
  try {
    extensions = discoverExtensions(workspaceRoot, settings.active);
  } catch (e) {
    if (!(e instanceof SynthesisError)) throw e;
    problems.push(...e.problems);
  }
  if (!fs.existsSync(abs(workspaceRoot, settings.core)))
    problems.push({
      file: PRIME_SCROLL,
      field: 'forge.core',
      message: `points at ${settings.core}/, which does not exist`,
      fix: 'create the core Python project there or set forge.core to its folder',
    });
  throwIfAny(problems);
  const core: Component = { kind: 'core', name: 'core', dir: settings.core };
  return { settings, core, extensions, all: [core, ...extensions] };
}

export function describe(c: Component): string {
  return c.kind === 'core' ? 'the core' : `extension ${c.name}`;
}
