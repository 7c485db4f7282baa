/**
 * The environment for a program that may run code the Forge did not write (a locker that
 * builds a dependency to read its metadata, an extension's hook): the system basics it needs
 * to run and reach a registry, and nothing else, so a CI token, cloud keys or an injected
 * `NODE_OPTIONS`/`PYTHONPATH`/`LD_PRELOAD` never reach it.
 */
const BASICS = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_RUNTIME_DIR',
  // Reaching a registry through a proxy or with a site's own certificate authority.
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
]);
const BASIC_PREFIX = /^LC_[A-Z]+$/;

/** uv's and npm's own settings (an index, a cache, offline mode): they configure the locker, not the code it may build. */
export const LOCKER_SETTINGS = /^(?:UV_|npm_config_)/i;

/**
 * The basics from `from` (default: this process's environment), the variables matching
 * `keep`, then `extra` on top.
 */
export function scrubbedEnv(extra: NodeJS.ProcessEnv = {}, from: NodeJS.ProcessEnv = process.env, keep?: RegExp): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined) continue;
    if (BASICS.has(name) || BASIC_PREFIX.test(name) || keep?.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}
