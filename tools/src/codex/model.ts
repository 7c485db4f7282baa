import type { Position } from './diagnostics';
import type { PrimeScroll } from './schemas/prime';
import type { PortalConfig } from './schemas/portal';
import type { SoulstoneConfig } from './schemas/soulstone';
import type { RegisteredSecret, RegisteredVolume } from '../artifacts/federation-record';

/** Where a rune came from: the Codex itself or an extension's `runes/` folder. */
export interface RuneOrigin {
  /** Absolute path of the TOML file. */
  file: string;
  /** Path relative to the rune root (`animator/soulstones/vllm/private.toml`): stable across machines. */
  relativePath: string;
  /** `codex`, or the extension's folder name. */
  provider: string;
}

export interface SoulstoneRune {
  kind: 'soulstone';
  /** The id of its rune family (families.ts). */
  family: string;
  origin: RuneOrigin;
  /** Validated config with defaults applied and `base_url` resolved. */
  config: SoulstoneConfig & { base_url: string };
}

export interface PortalRune {
  kind: 'portal';
  /** The id of its rune family (families.ts). */
  family: string;
  origin: RuneOrigin;
  config: PortalConfig;
}

export type Rune = SoulstoneRune | PortalRune;

export interface Codex {
  /** Absolute path of the Codex root (holds `lychd.toml` and `runes/`). */
  root: string;
  prime: PrimeScroll;
  /** Every valid rune, sorted by name. */
  runes: Rune[];
  /** Extension folder names that are active, sorted. */
  extensions: string[];
  /** Runes of rune families that extensions declared (their anchors), for those extensions. */
  anchored?: AnchoredRune[];
  /** What the active extensions' hooks ask of the Vessel's container (none without a federation record). */
  vessel?: VesselNeeds;
}

export const soulstones = (codex: Codex): SoulstoneRune[] => codex.runes.filter((r): r is SoulstoneRune => r.kind === 'soulstone');

export const portals = (codex: Codex): PortalRune[] => codex.runes.filter((r): r is PortalRune => r.kind === 'portal');

/** A rune of an extension's family: validated against its schema, used by the extension itself. */
export interface AnchoredRune {
  anchor: string;
  /** The extension whose family it is. */
  family: string;
  origin: RuneOrigin;
  value: Record<string, unknown>;
  /** Where its name is written, for the diagnostics of the unit it renders as. */
  at?: Position;
}

/** One need, with the extension that registered it and where (workspace-relative file, line). */
export interface VesselNeed<T> {
  value: T;
  provider: string;
  file: string;
  line: number;
}

export interface VesselNeeds {
  environment: VesselNeed<{ name: string; value: string }>[];
  volumes: VesselNeed<RegisteredVolume>[];
  devices: VesselNeed<string>[];
  ports: VesselNeed<number>[];
  secrets: VesselNeed<RegisteredSecret>[];
}
