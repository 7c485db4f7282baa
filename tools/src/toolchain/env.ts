import * as os from 'node:os';

/**
 * A minimal environment for a program the Forge runs on code it does not own (an extension's
 * hook): PATH, HOME, LANG/LC_ALL, TMPDIR and the explicitly given extras; nothing else, so no
 * token, credential or proxy setting of the caller's environment reaches it.
 */
export function scrubbedEnv(extras: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env['HOME'] ?? os.homedir(),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TMPDIR: process.env['TMPDIR'] ?? os.tmpdir(),
  };
  return { ...env, ...extras };
}
