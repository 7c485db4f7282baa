import * as fs from 'node:fs';
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
  throw failure('LYCHD500', 'cannot locate the Binding Site', {
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

/**
 * The folders podman's quadlet generator reads units from (podman 5.x, rootless and rootful);
 * it recurses into each, hidden folders included.
 */
export function generatorUnitDirs(env: NodeJS.ProcessEnv | Record<string, string | undefined>): string[] {
  const dirs = ['/etc/containers/systemd', '/usr/share/containers/systemd', '/run/containers/systemd'];
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime && path.isAbsolute(runtime)) dirs.push(path.join(runtime, 'containers', 'systemd'));
  const config =
    env['XDG_CONFIG_HOME'] && path.isAbsolute(env['XDG_CONFIG_HOME'])
      ? env['XDG_CONFIG_HOME']
      : env['HOME'] && path.isAbsolute(env['HOME'])
        ? path.join(env['HOME'], '.config')
        : undefined;
  if (config) dirs.push(path.join(config, 'containers', 'systemd'));
  return dirs;
}

/** The real path of `p`: its nearest existing ancestor resolved through links, plus the rest. */
export function realPathNearest(p: string): string {
  const rest: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return path.resolve(p);
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

const inside = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/**
 * Why a Binding Site cannot be used, before anything is written: the filesystem root (the store
 * beside it would be `/` itself), or a site whose store would land inside a folder the
 * generator reads (it would load old generations as units after a rollback).
 */
export function siteLocationProblem(
  site: string,
  store: string,
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
): string | undefined {
  const real = realPathNearest(site);
  if (path.dirname(real) === real) {
    return `The Binding Site ${site} is the filesystem root: the Forge keeps its generations beside the site, which needs a parent folder. Use a containers/systemd folder, e.g. ~/.config/containers/systemd.`;
  }
  const realStore = realPathNearest(store);
  for (const dir of generatorUnitDirs(env)) {
    const realDir = realPathNearest(dir);
    if (inside(realStore, realDir)) {
      return (
        `The Binding Site ${site} is inside ${dir}, a folder the quadlet generator reads, so the generation store ` +
        `${store} would be too and old generations would load as units. Bind to ${dir} itself, or to a folder outside it.`
      );
    }
  }
  return undefined;
}

/** Extensions the quadlet generator loads (podman 5.x). */
const QUADLET_EXT = new Set(['.container', '.volume', '.kube', '.network', '.image', '.pod', '.build', '.artifact']);

/**
 * Unit files elsewhere in the site with the same name as one of ours: the generator keeps the
 * first file of a name it meets, so such a file silently replaces (or is replaced by) ours.
 */
export function shadowingUnits(site: string, files: ReadonlyMap<string, unknown>): string[] {
  const ours = new Set([...files.keys()].map((rel) => path.posix.basename(rel)).filter((n) => QUADLET_EXT.has(path.extname(n))));
  const found: string[] = [];
  const walk = (dir: string, top: boolean): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (top && e.name === LINK_NAME) continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs, false);
      else if (ours.has(e.name)) found.push(abs);
    }
  };
  if (fs.lstatSync(site, { throwIfNoEntry: false })?.isDirectory()) walk(site, true);
  return found.sort();
}
