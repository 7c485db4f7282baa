import { posix } from 'node:path';
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
  /** The model name a client must send to this soulstone (see `servedModelName`). */
  served_model_name: string | null;
  /** The model artifact's path inside the soulstone's container. */
  model_path: string | null;
  port: number | null;
  base_url: string | null;
  unit: string | null;
  api_key_file: string | null;
}

/**
 * The name a client asks a soulstone for: `served_model_name` when the rune sets it; else what
 * the engine names its model by default: vLLM and SGLang the model they load (`--model` /
 * `--model-path`), others the model file's name, or the first of `models`; null when nothing says.
 */
export function servedModelName(rune: Extract<Rune, { kind: 'soulstone' }>): string | null {
  const c = rune.config;
  if ('served_model_name' in c && c.served_model_name !== undefined) return c.served_model_name;
  if (c.runtime === 'vllm' || c.runtime === 'sglang') return c.model_path ?? c.models[0] ?? null;
  return (c.model_path ? posix.basename(c.model_path) : c.models[0]) ?? null;
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
      served_model_name: servedModelName(rune),
      model_path: c.model_path ?? null,
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
    served_model_name: null,
    model_path: null,
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
