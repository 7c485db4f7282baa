import type { z } from 'zod';
import { genericSoulstone, llamacppSoulstone, sglangSoulstone, vllmSoulstone } from './schemas/soulstone';
import { portal } from './schemas/portal';
import { FAMILY_ANCHORS } from './anchors';
import type { Rune, RuneOrigin } from './model';

export { BRANCH_ANCHORS } from './anchors';

/** A rune family: the schema that owns every TOML file in its anchor folder. */
export interface RuneFamily {
  id: string;
  kind: 'soulstone' | 'portal';
  /** Folder under `runes/`, e.g. `animator/soulstones/vllm`. */
  anchor: string;
  schema: z.ZodObject;
}

export const FAMILIES: readonly RuneFamily[] = [
  { id: 'soulstone-generic', kind: 'soulstone', anchor: FAMILY_ANCHORS['soulstone-generic'], schema: genericSoulstone },
  { id: 'soulstone-llamacpp', kind: 'soulstone', anchor: FAMILY_ANCHORS['soulstone-llamacpp'], schema: llamacppSoulstone },
  { id: 'soulstone-vllm', kind: 'soulstone', anchor: FAMILY_ANCHORS['soulstone-vllm'], schema: vllmSoulstone },
  { id: 'soulstone-sglang', kind: 'soulstone', anchor: FAMILY_ANCHORS['soulstone-sglang'], schema: sglangSoulstone },
  { id: 'portal', kind: 'portal', anchor: FAMILY_ANCHORS.portal, schema: portal },
];

export function familyForAnchor(anchor: string): RuneFamily | undefined {
  return FAMILIES.find((f) => f.anchor === anchor);
}

/** The family a soulstone's `runtime` value belongs to, to suggest the right folder. */
export function familyForRuntime(runtime: unknown): RuneFamily | undefined {
  return FAMILIES.find((f) => f.kind === 'soulstone' && f.id === `soulstone-${String(runtime)}`);
}

/** A rune of `family` from its validated fields; a soulstone's `base_url` defaults to its own port. */
export function runeOf(family: RuneFamily, origin: RuneOrigin, config: Record<string, unknown>): Rune {
  return (
    family.kind === 'portal'
      ? { kind: 'portal', family: family.id, origin, config }
      : {
          kind: 'soulstone',
          family: family.id,
          origin,
          config: { ...config, base_url: config['base_url'] ?? `http://localhost:${String(config['port'])}/v1` },
        }
  ) as Rune;
}
