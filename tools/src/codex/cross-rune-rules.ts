import { error, warning, type LocatedDiagnostic } from './diagnostics';
import type { SoulstoneRune } from './model';
import type { CodexRule, LocatedRune } from './rule';
import { CORE_SERVICES, type CoreService, type PrimeScroll } from './schemas/prime';
import type { TomlSource } from './toml-source';

/** Core services that will run, with their ports: they share the pod's network namespace with every soulstone. */
export function coreServicePorts(prime: PrimeScroll): { service: CoreService; port: number }[] {
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

type LocatedSoulstone = LocatedRune & { rune: SoulstoneRune };

const rel = (r: LocatedRune) => r.rune.origin.relativePath;
const soulstonesOf = (runes: LocatedRune[]): LocatedSoulstone[] => runes.filter((r): r is LocatedSoulstone => r.rune.kind === 'soulstone');

/** Rune names become unit names, so two runes may not share one. */
const uniqueNames: CodexRule = {
  id: 'unique-names',
  scope: 'codex',
  severity: 'error',
  codes: ['LYCHD107'],
  description: 'Rune names are unique across the Codex and its extensions: a name becomes a unit name.',
  check: (_prime, runes) => {
    const byName = new Map<string, LocatedRune[]>();
    for (const r of runes) byName.set(r.rune.config.name, [...(byName.get(r.rune.config.name) ?? []), r]);
    return [...byName].flatMap(([name, same]) =>
      same.length < 2
        ? []
        : same.map((r) =>
            error(
              'LYCHD107',
              r.source.file,
              r.source.locate(['name']),
              `rune name "${name}" is also used by ${same
                .filter((o) => o !== r)
                .map(rel)
                .join(', ')}`,
              {
                field: 'name',
                hint: 'names become unit names and must be unique across the Codex and its extensions: rename one',
              },
            ),
          ),
    );
  },
};

/** The Port Singularity: the core services and every soulstone share one network namespace. */
const portSingularity: CodexRule = {
  id: 'port-singularity',
  scope: 'codex',
  severity: 'error',
  codes: ['LYCHD108'],
  description: "Every soulstone and every core service that runs has a port of its own: they share the pod's one network namespace.",
  check: (prime, runes) => {
    const out: LocatedDiagnostic[] = [];
    const portOwners = new Map<number, string[]>();
    for (const { service, port } of coreServicePorts(prime.prime)) {
      const others = portOwners.get(port) ?? [];
      if (others.length) {
        out.push(
          error(
            'LYCHD108',
            prime.source.file,
            prime.source.locate([service, 'port']),
            `port ${port} is also used by ${others.join(', ')}`,
            {
              field: `${service}.port`,
              why: 'every service of the pod shares one network namespace, so a port can be bound once',
              hint: `give ${service} a port of its own`,
            },
          ),
        );
      }
      portOwners.set(port, [...others, `core service ${service} (lychd.toml)`]);
    }
    const stones = soulstonesOf(runes);
    const owner = (r: LocatedSoulstone) => `soulstone ${r.rune.config.name} (${rel(r)})`;
    for (const r of stones) portOwners.set(r.rune.config.port, [...(portOwners.get(r.rune.config.port) ?? []), owner(r)]);
    for (const r of stones) {
      const owners = portOwners.get(r.rune.config.port)!;
      if (owners.length < 2) continue;
      out.push(
        error(
          'LYCHD108',
          r.source.file,
          r.source.locate(['port']),
          `port ${r.rune.config.port} is also used by ${owners.filter((o) => o !== owner(r)).join(', ')}`,
          {
            field: 'port',
            hint: "every soulstone needs its own port, distinct from the core services' (the Port Singularity): pick a free one",
          },
        ),
      );
    }
    return out;
  },
};

/** The coven started at boot must have a soulstone in it. */
const defaultCovenExists: CodexRule = {
  id: 'default-coven-exists',
  scope: 'codex',
  severity: 'error',
  codes: ['LYCHD109'],
  description: '`sepulcher.default_coven`, when set, is the coven of some soulstone.',
  check: (prime, runes) => {
    const covens = new Set(soulstonesOf(runes).flatMap((r) => r.rune.config.groups));
    const defaultCoven = prime.prime.sepulcher.default_coven;
    if (defaultCoven === undefined || covens.has(defaultCoven)) return [];
    return [
      error(
        'LYCHD109',
        prime.source.file,
        prime.source.locate(['sepulcher', 'default_coven']),
        `default coven "${defaultCoven}" has no soulstone`,
        {
          field: 'sepulcher.default_coven',
          hint: covens.size
            ? `use one of ${[...covens].sort().join(', ')}, or add it to a soulstone's groups`
            : "add it to a soulstone's groups",
        },
      ),
    ];
  },
};

const covensListedOnce: CodexRule = {
  id: 'covens-listed-once',
  scope: 'codex',
  severity: 'warning',
  codes: ['LYCHD153'],
  description: 'A soulstone lists each of its covens (`groups`) once.',
  check: (_prime, runes) =>
    soulstonesOf(runes).flatMap((r) => {
      const seen = new Set<string>();
      return r.rune.config.groups.flatMap((g, i) => {
        const twice = seen.has(g);
        seen.add(g);
        return twice
          ? [warning('LYCHD153', r.source.file, r.source.locate(['groups', i]), `coven "${g}" is listed twice`, { field: `groups[${i}]` })]
          : [];
      });
    }),
};

/** An image without its registry is looked up in podman's search list, i.e. anywhere. */
const qualifiedImages: CodexRule = {
  id: 'qualified-images',
  scope: 'codex',
  severity: 'warning',
  codes: ['LYCHD150'],
  description:
    'Every image, of the soulstones and of the core services, names its registry (e.g. `docker.io/...`), so that podman does not pick one from its search list.',
  check: (prime, runes) => [
    ...soulstonesOf(runes)
      .filter((r) => !isFullyQualified(r.rune.config.image))
      .map(({ rune: { config }, source }) =>
        warning(
          'LYCHD150',
          source.file,
          source.locate(['image']),
          `image "${config.image}" is not fully qualified; podman would pick a registry from its search list`,
          {
            field: 'image',
            hint: `write the registry too, e.g. docker.io/${config.image.includes('/') ? config.image : `library/${config.image}`}`,
          },
        ),
      ),
    ...CORE_SERVICES.filter((service) => !isFullyQualified(prime.prime[service].image)).map((service) =>
      warning(
        'LYCHD150',
        prime.source.file,
        prime.source.locate([service, 'image']),
        `image "${prime.prime[service].image}" is not fully qualified`,
        {
          field: `${service}.image`,
        },
      ),
    ),
  ],
};

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/;
/** Folders of the host system: relabelling (`:Z`/`:z`) or chowning (`:U`) them breaks the host. */
const SYSTEM_FOLDERS = [
  '/',
  '/etc',
  '/usr',
  '/var',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/boot',
  '/home',
  '/root',
  '/opt',
  '/run',
  '/proc',
  '/sys',
  '/dev',
  '%h',
];
const SYSTEM_TREES = ['/etc/', '/usr/', '/boot/', '/bin/', '/sbin/', '/lib/', '/lib64/', '/proc/', '/sys/', '/dev/'];
const SOCKET = /(?:^|\/)(?:podman|docker)\.sock$|^(?:\/var)?\/run\/(?:user\/\d+\/)?podman(?:\/|$)|^%t\/podman(?:\/|$)/;
const HOME_SECRETS = /^(?:%h|\/root|\/home\/[^/]+)\/\.(?:ssh|gnupg|aws|kube|docker|config\/containers)(?:\/|$)/;
/** A variable whose name says it carries a credential. */
export const CREDENTIAL_NAME = /(?:_TOKEN|_KEY|_SECRET)$|PASSWORD|PASSWD|SECRET|CREDENTIAL|API_?KEY/i;

/** Why mounting `source` with `options` is dangerous, if it is; the safer alternative is in the text. */
function mountDanger(source: string, options: string[]): string | undefined {
  const src = source.length > 1 ? source.replace(/\/+$/, '') : source;
  if (src === '/') return "mounts the host's root folder: the container can read (or write) everything; mount only the folder it needs";
  if (src === '/etc') return "mounts the host's /etc: mount only the file it needs, read-only (e.g. /etc/localtime:/etc/localtime:ro)";
  if (SOCKET.test(src))
    return 'mounts the podman (or docker) socket: the container can then start any container as you, i.e. control the host; use a dedicated API instead';
  if (HOME_SECRETS.test(src))
    return 'mounts a folder of home-directory secrets (SSH, GPG, cloud or registry keys) into the container; pass the one credential it needs as a podman secret (secret_env_files)';
  const relabel = options.filter((o) => o === 'Z' || o === 'z' || o === 'U');
  if (relabel.length && (SYSTEM_FOLDERS.includes(src) || SYSTEM_TREES.some((t) => `${src}/`.startsWith(t)))) {
    return `uses :${relabel.join(',:')} on a system folder: podman relabels (Z/z) or chowns (U) everything under it on the host; mount a folder of its own instead, or drop the option`;
  }
  return undefined;
}

const publishedBeyondLoopback: CodexRule = {
  id: 'publish-on-loopback',
  scope: 'codex',
  severity: 'warning',
  codes: ['LYCHD151'],
  description: '`sepulcher.publish_address` is a loopback address: anything else exposes every published port beyond this machine.',
  check: (prime) => {
    const address = prime.prime.sepulcher.publish_address;
    if (LOOPBACK.test(address)) return [];
    return [
      warning(
        'LYCHD151',
        prime.source.file,
        prime.source.locate(['sepulcher', 'publish_address']),
        `publish_address "${address}" exposes every published port beyond this machine`,
        {
          field: 'sepulcher.publish_address',
          hint: 'keep 127.0.0.1 and put a reverse proxy with authentication in front of what must be reachable',
        },
      ),
    ];
  },
};

/** `env_vars` whose names say they carry a credential; the value may be secret, so it is never echoed. */
function credentialVars(file: string, source: TomlSource, prefix: (string | number)[], env: Record<string, string>): LocatedDiagnostic[] {
  return Object.keys(env)
    .sort()
    .filter((name) => CREDENTIAL_NAME.test(name))
    .map((name) =>
      warning(
        'LYCHD152',
        file,
        source.locate([...prefix, 'env_vars', name]),
        `env_vars.${name} looks like a credential, written in the Codex in plain text (value not shown)`,
        {
          field: [...prefix, 'env_vars', name].join('.'),
          hint: `store it with \`podman secret create <name> -\` and set secret_env_files.${name.endsWith('_FILE') ? name : `${name}_FILE`} = "<name>"`,
        },
      ),
    );
}

const credentialsInPlainText: CodexRule = {
  id: 'no-plain-credentials',
  scope: 'codex',
  severity: 'warning',
  codes: ['LYCHD152'],
  description:
    'No `env_vars` entry whose name says it holds a credential (`*_TOKEN`, `*_KEY`, `PASSWORD`, ...): credentials go in `secret_env_files`.',
  check: (prime, runes) => [
    ...CORE_SERVICES.flatMap((service) => {
      const env = (prime.prime[service] as { env_vars?: Record<string, string> }).env_vars;
      return env ? credentialVars(prime.source.file, prime.source, [service], env) : [];
    }),
    ...soulstonesOf(runes).flatMap((r) => credentialVars(r.source.file, r.source, [], r.rune.config.env_vars)),
  ],
};

const dangerousMounts: CodexRule = {
  id: 'no-dangerous-mounts',
  scope: 'codex',
  severity: 'warning',
  codes: ['LYCHD151'],
  description:
    "No soulstone mounts the host's root or `/etc`, the podman or docker socket, or home-directory secrets (`~/.ssh`, ...), nor relabels or chowns (`:Z`, `:z`, `:U`) a system folder.",
  check: (_prime, runes) =>
    soulstonesOf(runes).flatMap((r) =>
      r.rune.config.volumes.flatMap((v, i) => {
        const [source = '', , opts = ''] = v.split(':');
        const danger = mountDanger(source, opts ? opts.split(',') : []);
        return danger
          ? [warning('LYCHD151', r.source.file, r.source.locate(['volumes', i]), `volume "${v}" ${danger}`, { field: `volumes[${i}]` })]
          : [];
      }),
    ),
};

/**
 * One image name: the Rebirth Gate gives the reviewed image the name `forge.image`, so a Vessel
 * that runs any other `vessel.image` runs an image the Gate never reviewed.
 */
export const oneImageName: CodexRule = {
  id: 'one-image-name',
  scope: 'codex',
  severity: 'error',
  codes: ['LYCHD112'],
  description: '`vessel.image` is `forge.image`, the name the Rebirth Gate gives the image it reviewed.',
  check: (prime) => {
    const { vessel, forge } = prime.prime;
    if (vessel.image === forge.image) return [];
    return [
      error(
        'LYCHD112',
        prime.source.file,
        prime.source.locate(['vessel', 'image']),
        `vessel.image "${vessel.image}" is not forge.image "${forge.image}", the name the Rebirth Gate gives the image it reviewed`,
        {
          field: 'vessel.image',
          hint: `set vessel.image and forge.image to the same name (e.g. both "${forge.image}"); the Vessel must run the image the Gate confirmed`,
        },
      ),
    ];
  },
};

/**
 * Rules that need the whole Codex: unique names, the Port Singularity, covens, image names, and
 * configurations that are valid but dangerous (warnings, each with the safer alternative).
 */
export const CROSS_RUNE_RULES: CodexRule[] = [
  uniqueNames,
  portSingularity,
  defaultCovenExists,
  covensListedOnce,
  qualifiedImages,
  publishedBeyondLoopback,
  credentialsInPlainText,
  dangerousMounts,
  oneImageName,
];
