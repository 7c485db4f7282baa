import * as path from 'node:path';
import { failure } from '../diagnostics';

type Env = NodeJS.ProcessEnv | Record<string, string | undefined>;

/** An XDG base folder: the variable when it holds an absolute path (the spec ignores a relative one), else `$HOME/<fallback>`. */
function xdgDir(env: Env, variable: string, fallback: string): string | undefined {
  const value = env[variable];
  if (value !== undefined && path.isAbsolute(value)) return value;
  const home = env['HOME'];
  return home !== undefined && path.isAbsolute(home) ? path.join(home, fallback) : undefined;
}

/**
 * The Codex's home outside a workspace (seed 003): `$XDG_CONFIG_HOME/lychd`, else
 * `~/.config/lychd`; its extensions in `$XDG_DATA_HOME/lychd/extensions`, else
 * `~/.local/share/lychd/extensions`.
 */
export function codexHome(env: Env): { codexDir: string; extensionsDir: string } {
  const config = xdgDir(env, 'XDG_CONFIG_HOME', '.config');
  const data = xdgDir(env, 'XDG_DATA_HOME', path.join('.local', 'share'));
  if (config === undefined || data === undefined) {
    throw failure(
      'LYCHD100',
      'cannot locate the Codex: this folder is in no workspace, and neither XDG_CONFIG_HOME nor HOME is an absolute path',
      {
        hint: 'pass --codex DIR (and --extensions DIR), or set HOME',
      },
    );
  }
  return { codexDir: path.join(config, 'lychd'), extensionsDir: path.join(data, 'lychd', 'extensions') };
}
