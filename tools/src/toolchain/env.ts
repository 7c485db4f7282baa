/**
 * The environment for a program that may run code the Forge did not write (a locker that
 * builds a dependency to read its metadata, an extension's hook): the system basics it needs
 * to run and reach a registry, and nothing else, so a CI token, cloud keys or an injected
 * `NODE_OPTIONS`/`PYTHONPATH`/`LD_PRELOAD` never reach it.
 */
const PROXIES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];
const BASICS = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  // The locale categories glibc knows; any other LC_ name is not a locale (ssh forwards LC_* as-is).
  'LC_ALL',
  'LC_ADDRESS',
  'LC_COLLATE',
  'LC_CTYPE',
  'LC_IDENTIFICATION',
  'LC_MEASUREMENT',
  'LC_MESSAGES',
  'LC_MONETARY',
  'LC_NAME',
  'LC_NUMERIC',
  'LC_PAPER',
  'LC_TELEPHONE',
  'LC_TIME',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_RUNTIME_DIR',
  // Reaching a registry through a proxy or with a site's own certificate authority.
  ...PROXIES,
  'NO_PROXY',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
]);

/** A proxy URL without its `user:password@` part (everything up to the last "@" after the scheme). */
export function withoutCredentials(proxy: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(proxy)?.[0] ?? '';
  const rest = proxy.slice(scheme.length);
  return scheme + rest.slice(rest.lastIndexOf('@') + 1);
}

/** uv's and npm's own settings (an index, a cache, offline mode): they configure the locker, not the code it may build. */
export const LOCKER_SETTINGS = /^(?:UV_|npm_config_)/i;

/**
 * The basics from `from` (default: this process's environment), the variables matching
 * `keep`, then `extra` on top. Proxy credentials are removed unless `proxyCredentials` is set:
 * a locker may need them to reach its index, code it runs never does.
 */
export function scrubbedEnv(
  extra: NodeJS.ProcessEnv = {},
  from: NodeJS.ProcessEnv = process.env,
  keep?: RegExp,
  options: { proxyCredentials?: boolean } = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined) continue;
    if (BASICS.has(name) || keep?.test(name))
      env[name] = PROXIES.includes(name) && !options.proxyCredentials ? withoutCredentials(value) : value;
  }
  return { ...env, ...extra };
}
