import { coreServicePorts } from '../codex/cross-rune-rules';
import { soulstones, type Codex } from '../codex/model';
import { ScribeError } from './errors';

export interface PublishedPort {
  port: number;
  /** Who asked for it: a core service or `soulstone <name>`. */
  owner: string;
}

/** Every port published on the pod: core services and soulstones with `expose_port`, the ports extensions registered for the Vessel; sorted by port. */
export function publishedPorts(codex: Codex): PublishedPort[] {
  const p = codex.prime;
  const core = coreServicePorts(p)
    .filter(({ service }) => p[service].expose_port)
    .map(({ service, port }) => ({ port, owner: service }));
  const stones = soulstones(codex)
    .filter((r) => r.config.expose_port)
    .map((r) => ({ port: r.config.port, owner: `soulstone ${r.config.name}` }));
  const vessel = (codex.vessel?.ports ?? []).map((n) => ({ port: n.value, owner: `extension ${n.provider} (${n.file}:${n.line})` }));
  const all = [...core, ...stones, ...vessel].sort((a, b) => a.port - b.port);
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.port === all[i - 1]!.port) {
      throw new ScribeError(
        'LYCHD406',
        `port ${all[i]!.port} is published by both ${all[i - 1]!.owner} and ${all[i]!.owner}; a host port can be bound once`,
      );
    }
  }
  return all;
}
