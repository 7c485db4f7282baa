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
  for (const service of CORE_SERVICES) {
    const image = prime.prime[service].image;
    if (!isFullyQualified(image)) {
      out.push(warning(prime.source.file, prime.source.locate([service, 'image']), `image "${image}" is not fully qualified`, { field: `${service}.image` }));
    }
  }
  return out;
}
