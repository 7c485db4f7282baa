import * as fs from 'node:fs';
import * as path from 'node:path';
import { globWithWorkspaceContext, hashWithWorkspaceContext } from 'nx/src/utils/workspace-context';
import { ForgeError, type Diagnostic } from '../diagnostics';

/**
 * Names the plugin's projects share with other projects of the workspace. Nx reports two projects
 * of one name as a project-graph error for the whole workspace, naming neither the plugin nor a way
 * out; the plugin sees no other plugin's projects, so it reads the files that name them itself:
 * every project.json, and the package.json of each package of the package manager's workspaces
 * (the root package.json's `workspaces`, as npm and yarn have them).
 */
export function projectFileGlobs(workspaceRoot: string): string[] {
  let workspaces: unknown;
  try {
    workspaces = (JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'package.json'), 'utf8')) as { workspaces?: unknown }).workspaces;
  } catch {
    // No root package.json, or one Nx itself reports.
  }
  const patterns = Array.isArray(workspaces) ? workspaces : ((workspaces as { packages?: unknown } | undefined)?.packages ?? []);
  const packages = (Array.isArray(patterns) ? patterns : [])
    .filter((p): p is string => typeof p === 'string' && p.length > 0 && !p.startsWith('!'))
    .map((p) => `${p.replace(/^\.\/+/, '').replace(/\/+$/, '')}/package.json`);
  return ['**/project.json', ...packages];
}

/** A digest of the files that name other projects: a project renamed elsewhere is a new inference. */
export const projectFilesDigest = (workspaceRoot: string, globs: string[]): Promise<string> =>
  hashWithWorkspaceContext(workspaceRoot, globs);

export interface OwnProject {
  name: string;
  root: string;
}

/** Every other project that has one of the plugin's project names or roots, as one error; undefined when none. */
export async function projectClashes(
  workspaceRoot: string,
  globs: string[],
  own: OwnProject[],
  prefix: string,
  /** Where the prefix is set: the plugin's entry in nx.json, or the init generator's option. */
  setIn: 'nx.json' | 'init' = 'nx.json',
): Promise<ForgeError | undefined> {
  const byName = new Map(own.map((p) => [p.name, p]));
  const byRoot = new Map(own.map((p) => [p.root, p]));
  const fix = prefixHint(prefix, setIn);
  const problems: Diagnostic[] = [];
  for (const file of (await globWithWorkspaceContext(workspaceRoot, globs)).sort()) {
    const name = configuredName(path.join(workspaceRoot, file));
    if (name === undefined) continue;
    const root = path.posix.dirname(file);
    const atRoot = byRoot.get(root);
    // Nx merges what two plugins say about one root: the same name there is the same project.
    if (atRoot && atRoot.name !== name)
      problems.push({
        severity: 'error',
        code: 'LYCHD803',
        file,
        field: 'name',
        message: `project "${name}" has its root at ${root}/, where the @lychd/forge plugin infers its project "${atRoot.name}"`,
        why: 'Nx would merge the two into one project under one of the names',
        hint: `move project "${name}" to a folder of its own; the Forge keeps its files in ${root}/`,
      });
    const ours = byName.get(name);
    if (!atRoot && ours)
      problems.push({
        severity: 'error',
        code: 'LYCHD803',
        file,
        field: 'name',
        message: `project "${name}" (${root}/) has the name the @lychd/forge plugin gives its project for ${ours.root}/`,
        why: 'Nx refuses a workspace where two projects share a name',
        hint: fix,
      });
  }
  return problems.length
    ? new ForgeError(problems, `@lychd/forge: ${problems.length} other project(s) clash with the projects the Forge infers`)
    : undefined;
}

/** How to rename the plugin's projects: the option, with an example prefix. */
function prefixHint(prefix: string, setIn: 'nx.json' | 'init'): string {
  const example = prefix ? `${prefix}lychd-` : 'lychd-';
  const option =
    setIn === 'init'
      ? `run init again with ${prefix ? 'another' : 'a'} --projectPrefix, e.g. --projectPrefix=${example}`
      : `${prefix ? 'choose another' : 'set the'} projectPrefix option of the @lychd/forge plugin in nx.json, e.g. "projectPrefix": "${example}"`;
  return `${option}, which names the Forge's projects ${example}codex, ${example}quadlets, ${example}forge, ${example}runes-…, ${example}extension-…`;
}

/** The name a project.json or a package.json gives its project; undefined when it names none or cannot be read. */
function configuredName(file: string): string | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; nx?: { name?: unknown } };
    const name = path.basename(file) === 'package.json' ? (json.nx?.name ?? json.name) : json.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
