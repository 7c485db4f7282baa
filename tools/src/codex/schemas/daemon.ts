import { z } from 'zod';
import { portal } from './portal';
import { genericSoulstone, llamacppSoulstone, sglangSoulstone, vllmSoulstone } from './soulstone';

/*
 * The daemon's own sections of the Prime Scroll (seed 003: server, logging, persistence, queue,
 * global policy such as privacy and egress, and defaults that rune families inherit). The seed
 * names what `defaults` holds (a rune family's fields) and that `policy` holds the privacy and
 * egress policies; those are typed, and a misspelt key there is an error. What the other sections
 * hold is the daemon's business: the Forge keeps their tables exactly as written (never dropped)
 * and checks only that each is a table.
 */

const table = (what: string) => z.record(z.string(), z.unknown()).describe(what);

export const daemonSections = {
  server: table('The daemon as a server (runtime and service settings); kept as written for the daemon.').optional(),
  logging: table("The daemon's logging; kept as written for the daemon.").optional(),
  persistence: table("The daemon's persistence settings; kept as written for the daemon.").optional(),
  queue: table("The daemon's queue defaults; kept as written for the daemon.").optional(),
  policy: z
    .looseObject({
      privacy: table('Privacy policy (thresholds, what may leave the host); kept as written for the daemon.').optional(),
      egress: table('Egress policy (which remote services may be reached); kept as written for the daemon.').optional(),
    })
    .optional()
    .describe('Global policy: `[policy.privacy]`, `[policy.egress]` and any other policy table, kept as written for the daemon.'),
};

/** Fields that name one instance: a default for them would make every rune of a family collide. */
export const INSTANCE_FIELDS = ['name', 'port', 'runtime'] as const;

/**
 * A family's fields as defaults: every field but the instance ones, all optional and without the
 * schema's own defaults, so that the table keeps only what the Prime Scroll wrote.
 */
function defaultsOf(schema: z.ZodObject, what: string) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape)
      .filter(([k]) => !(INSTANCE_FIELDS as readonly string[]).includes(k))
      .map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional()]),
  );
  return z.object(shape).strict().optional().describe(what);
}

/** The families' ids as `defaults` keys; `soulstone` and `portal` cover every family of the kind. */
export const defaultsSection = z
  .object({
    soulstone: defaultsOf(
      genericSoulstone,
      'Defaults of every soulstone: any field all soulstone families have (those of `soulstone-generic` below); a runtime-specific one goes under its family.',
    ),
    'soulstone-generic': defaultsOf(genericSoulstone, 'Defaults of generic soulstones: any field of `soulstone-generic` below.'),
    'soulstone-llamacpp': defaultsOf(llamacppSoulstone, 'Defaults of llama.cpp soulstones: any field of `soulstone-llamacpp` below.'),
    'soulstone-vllm': defaultsOf(vllmSoulstone, 'Defaults of vLLM soulstones: any field of `soulstone-vllm` below.'),
    'soulstone-sglang': defaultsOf(sglangSoulstone, 'Defaults of SGLang soulstones: any field of `soulstone-sglang` below.'),
    portal: defaultsOf(portal, 'Defaults of portals: any field of `portal` below.'),
  })
  .strict()
  .default({})
  .describe(
    "Defaults rune families inherit: `[defaults.soulstone]` for every soulstone, `[defaults.soulstone-<runtime>]` and `[defaults.portal]` for one family. A rune's own value wins, then its family's, then its kind's; a field a rune sets replaces the default whole (lists and tables are not merged). `name`, `port` and `runtime` name one instance and have no default.",
  );

export type RuneDefaults = z.infer<typeof defaultsSection>;

/**
 * What a rune of `family` inherits: its kind's table, then its family's on top. The rune's own
 * fields go on top of this before its schema reads it.
 */
export function inheritedDefaults(defaults: RuneDefaults | undefined, family: { id: string; kind: string }): Record<string, unknown> {
  const tables = defaults as Record<string, Record<string, unknown> | undefined> | undefined;
  return { ...(tables?.[family.kind] ?? {}), ...(tables?.[family.id] ?? {}) };
}
