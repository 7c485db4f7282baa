import { soulstones, type Codex } from '../codex/model';
import { soulstoneUnit } from './names';
import { byCodePoint } from '../shared/order';

export interface RosterSoulstone {
  /** Unit name, e.g. `soulstone-eye`. */
  unit: string;
  /** Covens, sorted and without duplicates. */
  groups: string[];
}

/**
 * Everything about the whole Codex that can change one soulstone's unit text:
 * the other soulstones' unit names and covens (for `Conflicts=`/`After=`), the
 * default coven (for `StartWithPod=`/`[Install]`) and the target podman (for
 * key gating). Nothing else, so one rune's port or image never invalidates
 * another rune's cached unit.
 */
export interface SoulstoneRoster {
  podmanVersion: string;
  defaultCoven: string | null;
  soulstones: RosterSoulstone[];
}

export const covensOf = (groups: readonly string[]): string[] => [...new Set(groups)].sort(byCodePoint);

export function soulstoneRoster(codex: Codex): SoulstoneRoster {
  // Built key by key so the JSON form has a stable key order.
  return {
    podmanVersion: codex.prime.sepulcher.podman_version,
    defaultCoven: codex.prime.sepulcher.default_coven ?? null,
    soulstones: soulstones(codex)
      .map((r) => ({ unit: soulstoneUnit(r.config.name), groups: covensOf(r.config.groups) }))
      .sort((a, b) => byCodePoint(a.unit, b.unit)),
  };
}
