import { error, warning, type Diagnostic } from './diagnostics';
import type { Rune } from './model';
import type { PrimeScroll } from './schemas/prime';
import type { TomlSource } from './toml-source';

export interface LocatedRune {
  rune: Rune;
  source: TomlSource;
}

export interface PrimeSource {
  prime: PrimeScroll;
  source: TomlSource;
}

const CORE_SERVICES = ['vessel', 'phylactery', 'oculus', 'harvester', 'scribe'] as const;

/** Core services that will run, with their ports: they share the pod's network namespace with every soulstone. */
export function coreServicePorts(prime: PrimeScroll): { service: (typeof CORE_SERVICES)[number]; port: number }[] {
  return CORE_SERVICES.filter((s) => {
    const svc = prime[s] as { enabled?: boolean };
    return svc.enabled !== false;
  }).map((service) => ({ service, port: prime[service].port }));
}

/** Registries podman would otherwise guess from its search list: an image must name its registry. */
export function isFullyQualified(image: string): boolean {
  const first = image.split('/')[0]!;
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

/** Rules that need the whole Codex: unique names, the Port Singularity, covens, image names. */
export function crossRuneRules(prime: PrimeSource, runes: LocatedRune[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const rel = (r: LocatedRune) => r.rune.origin.relativePath;

  const byName = new Map<string, LocatedRune[]>();
  for (const r of runes) byName.set(r.rune.config.name, [...(byName.get(r.rune.config.name) ?? []), r]);
  for (const [name, same] of byName) {
    if (same.length < 2) continue;
    for (const r of same) {
      const others = same.filter((o) => o !== r).map(rel).join(', ');
      out.push(
        error(r.source.file, r.source.locate(['name']), `rune name "${name}" is also used by ${others}`, {
          field: 'name',
          hint: 'names become unit names and must be unique across the Codex and its extensions: rename one',
        }),
      );
    }
  }

  const portOwners = new Map<number, string[]>();
  for (const { service, port } of coreServicePorts(prime.prime)) {
    const others = portOwners.get(port) ?? [];
    if (others.length) {
      out.push(
        error(prime.source.file, prime.source.locate([service, 'port']), `port ${port} is also used by ${others.join(', ')}`, {
          field: `${service}.port`,
          why: 'every service of the pod shares one network namespace, so a port can be bound once',
          hint: `give ${service} a port of its own`,
        }),
      );
    }
    portOwners.set(port, [...others, `core service ${service} (lychd.toml)`]);
  }
  for (const r of runes) {
    if (r.rune.kind !== 'soulstone') continue;
    const p = r.rune.config.port;
    portOwners.set(p, [...(portOwners.get(p) ?? []), `soulstone ${r.rune.config.name} (${rel(r)})`]);
  }
  for (const r of runes) {
    if (r.rune.kind !== 'soulstone') continue;
    const owners = portOwners.get(r.rune.config.port)!;
    if (owners.length < 2) continue;
    const me = `soulstone ${r.rune.config.name} (${rel(r)})`;
    out.push(
      error(r.source.file, r.source.locate(['port']), `port ${r.rune.config.port} is also used by ${owners.filter((o) => o !== me).join(', ')}`, {
        field: 'port',
        hint: 'every soulstone needs its own port, distinct from the core services\' (the Port Singularity): pick a free one',
      }),
    );
  }

  const covens = new Set(runes.flatMap((r) => (r.rune.kind === 'soulstone' ? r.rune.config.groups : [])));
  const defaultCoven = prime.prime.sepulcher.default_coven;
  if (defaultCoven !== undefined && !covens.has(defaultCoven)) {
    out.push(
      error(prime.source.file, prime.source.locate(['sepulcher', 'default_coven']), `default coven "${defaultCoven}" has no soulstone`, {
        field: 'sepulcher.default_coven',
        hint: covens.size ? `use one of ${[...covens].sort().join(', ')}, or add it to a soulstone's groups` : 'add it to a soulstone\'s groups',
      }),
    );
  }

  for (const r of runes) {
    if (r.rune.kind !== 'soulstone') continue;
    const { config } = r.rune;
    const seen = new Set<string>();
    config.groups.forEach((g, i) => {
      if (seen.has(g)) out.push(warning(r.source.file, r.source.locate(['groups', i]), `coven "${g}" is listed twice`, { field: `groups[${i}]` }));
      seen.add(g);
    });
    if (!isFullyQualified(config.image)) {
      out.push(
        warning(r.source.file, r.source.locate(['image']), `image "${config.image}" is not fully qualified; podman would pick a registry from its search list`, {
          field: 'image',
          hint: `write the registry too, e.g. docker.io/${config.image.includes('/') ? config.image : `library/${config.image}`}`,
        }),
      );
    }
  }
  out.push(...dangerousConfiguration(prime, runes));
  for (const service of CORE_SERVICES) {
    const image = prime.prime[service].image;
    if (!isFullyQualified(image)) {
      out.push(warning(prime.source.file, prime.source.locate([service, 'image']), `image "${image}" is not fully qualified`, { field: `${service}.image` }));
    }
  }
  return out;
}

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/;
/** Folders of the host system: relabelling (`:Z`/`:z`) or chowning (`:U`) them breaks the host. */
const SYSTEM_FOLDERS = ['/', '/etc', '/usr', '/var', '/bin', '/sbin', '/lib', '/lib64', '/boot', '/home', '/root', '/opt', '/run', '/proc', '/sys', '/dev', '%h'];
const SYSTEM_TREES = ['/etc/', '/usr/', '/boot/', '/bin/', '/sbin/', '/lib/', '/lib64/', '/proc/', '/sys/', '/dev/'];
const SOCKET = /(?:^|\/)(?:podman|docker)\.sock$|^(?:\/var)?\/run\/(?:user\/\d+\/)?podman(?:\/|$)|^%t\/podman(?:\/|$)/;
const HOME_SECRETS = /^(?:%h|\/root|\/home\/[^/]+)\/\.(?:ssh|gnupg|aws|kube|docker|config\/containers)(?:\/|$)/;
/** A variable whose name says it carries a credential. */
export const CREDENTIAL_NAME = /(?:_TOKEN|_KEY|_SECRET)$|PASSWORD|PASSWD|SECRET|CREDENTIAL|API_?KEY/i;

/** Why mounting `source` with `options` is dangerous, if it is; the safer alternative is in the text. */
function mountDanger(source: string, options: string[]): string | undefined {
  const src = source.length > 1 ? source.replace(/\/+$/, '') : source;
  if (src === '/') return 'mounts the host\'s root folder: the container can read (or write) everything; mount only the folder it needs';
  if (src === '/etc') return 'mounts the host\'s /etc: mount only the file it needs, read-only (e.g. /etc/localtime:/etc/localtime:ro)';
  if (SOCKET.test(src)) return 'mounts the podman (or docker) socket: the container can then start any container as you, i.e. control the host; use a dedicated API instead';
  if (HOME_SECRETS.test(src)) return 'mounts a folder of home-directory secrets (SSH, GPG, cloud or registry keys) into the container; pass the one credential it needs as a podman secret (secret_env_files)';
  const relabel = options.filter((o) => o === 'Z' || o === 'z' || o === 'U');
  if (relabel.length && (SYSTEM_FOLDERS.includes(src) || SYSTEM_TREES.some((t) => `${src}/`.startsWith(t)))) {
    return `uses :${relabel.join(',:')} on a system folder: podman relabels (Z/z) or chowns (U) everything under it on the host; mount a folder of its own instead, or drop the option`;
  }
  return undefined;
}

/**
 * Configurations that are valid but dangerous: warnings, each at its file:line:col with the
 * safer alternative. A value that may be secret is never echoed.
 */
function dangerousConfiguration(prime: PrimeSource, runes: LocatedRune[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const address = prime.prime.sepulcher.publish_address;
  if (!LOOPBACK.test(address)) {
    out.push(
      warning(prime.source.file, prime.source.locate(['sepulcher', 'publish_address']), `publish_address "${address}" exposes every published port beyond this machine`, {
        field: 'sepulcher.publish_address',
        hint: 'keep 127.0.0.1 and put a reverse proxy with authentication in front of what must be reachable',
      }),
    );
  }
  const credentialVars = (file: string, source: TomlSource, prefix: (string | number)[], env: Record<string, string>) => {
    for (const name of Object.keys(env).sort()) {
      if (!CREDENTIAL_NAME.test(name)) continue;
      out.push(
        warning(file, source.locate([...prefix, 'env_vars', name]), `env_vars.${name} looks like a credential, written in the Codex in plain text (value not shown)`, {
          field: [...prefix, 'env_vars', name].join('.'),
          hint: `store it with \`podman secret create <name> -\` and set secret_env_files.${name.endsWith('_FILE') ? name : `${name}_FILE`} = "<name>"`,
        }),
      );
    }
  };
  for (const service of CORE_SERVICES) {
    const env = (prime.prime[service] as { env_vars?: Record<string, string> }).env_vars;
    if (env) credentialVars(prime.source.file, prime.source, [service], env);
  }
  for (const r of runes) {
    if (r.rune.kind !== 'soulstone') continue;
    const { config } = r.rune;
    credentialVars(r.source.file, r.source, [], config.env_vars);
    config.volumes.forEach((v, i) => {
      const [source = '', , opts = ''] = v.split(':');
      const danger = mountDanger(source, opts ? opts.split(',') : []);
      if (danger) out.push(warning(r.source.file, r.source.locate(['volumes', i]), `volume "${v}" ${danger}`, { field: `volumes[${i}]` }));
    });
    // The runtimes' default (scribe/runtimes: gpuByDefault): every engine but the generic one.
    const gpu = config.gpu ?? r.rune.family !== 'soulstone-generic';
    if (gpu && config.groups.length === 0) {
      out.push(
        warning(r.source.file, r.source.locate(['name']), `GPU soulstone "${config.name}" belongs to no coven, so it conflicts with none and runs beside every coven on the GPU`, {
          field: 'groups',
          hint: 'add it to a coven: groups = ["<coven>"]',
        }),
      );
    }
  }
  return out;
}
