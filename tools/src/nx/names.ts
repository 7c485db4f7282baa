import { pluginOptionsOfNxJson, readNxJson } from './nx-json';
import { failure } from '../diagnostics';
import { findWorkspaceRoot } from '../toolchain/workspace-root';

/** What a project prefix may hold: it starts a project name, and names appear in commands (`nx run <name>:<target>`). */
const PREFIX = /^[a-z0-9][a-z0-9._-]*$/;

/** The `projectPrefix` option, checked: empty, or lowercase letters, digits, `.`, `_` and `-`. */
export function projectPrefixOf(options: { projectPrefix?: unknown } | undefined): string {
  const given = options?.projectPrefix ?? '';
  if (given === '' || (typeof given === 'string' && PREFIX.test(given))) return given;
  throw failure('LYCHD802', `the @lychd/forge plugin's option projectPrefix is ${JSON.stringify(given)}, not a project name prefix`, {
    hint: 'set projectPrefix in nx.json to lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, such as "lychd-"',
  });
}

/** The name the plugin gives one of its projects (`codex`, `quadlets`, `forge`, `runes-…`, `extension-…`). */
export const projectName = (layout: { projectPrefix: string }, base: string): string => `${layout.projectPrefix}${base}`;

/**
 * `nx run <project>:<target>` with the project's name in this workspace (the one around the
 * current directory by default), for messages that say what to run. A prefix nx.json cannot give
 * is left out: the plugin reports it.
 */
export function nxRun(project: 'codex' | 'quadlets' | 'forge', target: string, workspaceRoot = findWorkspaceRoot()): string {
  let projectPrefix = '';
  try {
    projectPrefix = projectPrefixOf(pluginOptionsOfNxJson(readNxJson(workspaceRoot)));
  } catch {
    // Reported by the plugin, before any task runs.
  }
  return `nx run ${projectName({ projectPrefix }, project)}:${target}`;
}
