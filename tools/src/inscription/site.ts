import * as path from 'node:path';
import { failure } from '../diagnostics';

/** The one entry the Forge owns in the Binding Site. */
export const LINK_NAME = 'lychd';

export interface ResolveBindingSiteInput {
  /** Explicit choice (command-line option or executor option); wins over everything. */
  option?: string;
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
}

/**
 * The Binding Site: explicit option, else `LYCHD_BINDING_SITE`, else
 * `${XDG_CONFIG_HOME:-$HOME/.config}/containers/systemd` (the rootless unit dir the quadlet
 * generator reads). A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
 */
export function resolveBindingSite({ option, env }: ResolveBindingSiteInput): string {
  if (option !== undefined && option !== '') return path.resolve(option);
  const explicit = env['LYCHD_BINDING_SITE'];
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'containers', 'systemd');
  const home = env['HOME'];
  if (home !== undefined && path.isAbsolute(home)) {
    return path.join(home, '.config', 'containers', 'systemd');
  }
  throw failure('cannot locate the Binding Site', {
    why: 'none of the bind option, LYCHD_BINDING_SITE, XDG_CONFIG_HOME or HOME is set to an absolute path',
    hint: 'set LYCHD_BINDING_SITE=/path/to/containers/systemd or pass --binding-site',
  });
}

/**
 * The generation store sits BESIDE the site, never inside it: the quadlet generator recurses
 * into every subdirectory of a unit dir (hidden ones included) and loads hidden unit files, so a
 * store inside the site would be read as units. A sibling stays on the site's filesystem, which
 * the final rename(2) into the site needs, and one store per site keeps histories apart.
 */
export function defaultStoreDir(bindingSite: string): string {
  return path.join(path.dirname(bindingSite), `.lychd-store-${path.basename(bindingSite)}`);
}
