import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The Forge's cache shared by every workspace of the user (built bases, .deb files, Node
 * toolchains, tool versions): outside git and outside Nx's cache, since each clone would build
 * the same. `LYCHD_FORGE_CACHE` moves it.
 */
export function forgeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LYCHD_FORGE_CACHE) return path.resolve(env.LYCHD_FORGE_CACHE);
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lychd-forge');
}
