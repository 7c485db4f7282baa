import type { Codex, Rune } from '../codex';
import { CAPABILITIES_FILE, serviceOf, soulstoneUnit } from './names';
import { byCodePoint } from '../shared/order';
import { secretPath } from './secrets-env';

/** One rune as the daemon's dispatcher sees it. Every entry has every key; `null` when it does not apply. */
export interface CapabilityEntry {
  name: string;
  kind: 'soulstone' | 'portal';
  family: string;
  runtime: string | null;
  provider: string | null;
  origin: string;
  capabilities: string[];
  covens: string[];
  models: string[];
  port: number | null;
  base_url: string | null;
  unit: string | null;
  api_key_file: string | null;
}

const sorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort(byCodePoint);

export function capabilityEntry(rune: Rune): CapabilityEntry {
  const common = { name: rune.config.name, kind: rune.kind, family: rune.family };
  if (rune.kind === 'soulstone') {
    const c = rune.config;
    return {
      ...common,
      runtime: c.runtime,
      provider: null,
      origin: rune.origin.provider,
      capabilities: sorted(c.capabilities),
      covens: sorted(c.groups),
      models: sorted(c.models),
      port: c.port,
      base_url: c.base_url,
      unit: serviceOf(soulstoneUnit(c.name)),
      api_key_file: null,
    };
  }
  const c = rune.config;
  return {
    ...common,
    runtime: null,
    provider: c.provider,
    origin: rune.origin.provider,
    capabilities: sorted(c.capabilities),
    covens: [],
    models: sorted(c.models),
    port: null,
    base_url: c.base_url ?? null,
    unit: null,
    // The Vessel mounts every portal's key secret at this path.
    api_key_file: c.api_key_secret ? secretPath(c.api_key_secret) : null,
  };
}

/** `capabilities.json`: every soulstone and portal, sorted by name. */
export function renderCapabilities(codex: Codex): Map<string, string> {
  const runes = [...codex.runes].sort((a, b) => byCodePoint(a.config.name, b.config.name)).map(capabilityEntry);
  return new Map([[CAPABILITIES_FILE, `${JSON.stringify({ runes }, null, 2)}\n`]]);
}
