import { z } from 'zod';
import { REGISTRY_FORMAT } from './formats';
import { ANCHOR_PATTERN, EXTENSION_CAPABILITY_PATTERN, isSafeRelative } from './patterns';
import { readArtifactIfExists, type ArtifactKind } from './read';
import { componentName, debianSpec, text } from './schema-parts';

/** One registered item, with the extension's file (workspace-relative) and line that registered it. */
export interface Registered<T> {
  value: T;
  file: string;
  line: number;
}

export interface RegisteredRune {
  /** The anchor folder (under `runes/`) of the family that owns it, e.g. `animator/soulstones/generic`. */
  anchor: string;
  fields: Record<string, unknown>;
}

/** How the runes of an extension's family become units: as runes of a built-in family. */
export interface RendersAs {
  /** The anchor of the built-in family, e.g. `animator/soulstones/generic`. */
  family: string;
  /** The built-in family's fields every rune starts from. */
  defaults: Record<string, unknown>;
  /** Variables of the unit, each from a field of the extension's rune: variable → field. */
  env: Record<string, string>;
}

export interface RegisteredAnchor {
  /** A new anchor folder under `runes/`. */
  anchor: string;
  /** Workspace-relative path of the family's JSON Schema, shipped by the extension. */
  schema: string;
  rendersAs?: RendersAs;
}

/** A volume of the Vessel: a named volume or an absolute host folder, at an absolute path inside. */
export interface RegisteredVolume {
  source: string;
  target: string;
  readOnly: boolean;
}

/** A podman secret mounted into the Vessel; `variable` names its file for the code. */
export interface RegisteredSecret {
  name: string;
  variable?: string;
}

export interface ExtensionRegistrations {
  systemDependencies: Registered<string>[];
  capabilities: Registered<string>[];
  runes: Registered<RegisteredRune>[];
  anchors: Registered<RegisteredAnchor>[];
  /** What the Vessel's container needs (codex/vessel-needs.ts); absent in a record older than them. */
  environment?: Registered<{ name: string; value: string }>[];
  volumes?: Registered<RegisteredVolume>[];
  devices?: Registered<string>[];
  ports?: Registered<number>[];
  secrets?: Registered<RegisteredSecret>[];
}

/** Everything the active extensions registered, by extension name (sorted). */
export interface Registry {
  formatVersion: 1;
  extensions: Record<string, ExtensionRegistrations>;
}

/** A file of an extension, as the diagnostics of what it registered name it: inside the workspace. */
const extensionFile = text.refine(isSafeRelative, { error: 'must be a path inside the workspace' });

const registered = <T extends z.ZodType>(value: T) =>
  z.looseObject({ value, file: extensionFile, line: z.number().int().positive({ error: 'must be a line number' }) });

const anchor = z.string().regex(ANCHOR_PATTERN, { error: 'must be an anchor folder such as "scriptorium/codices"' });

const registrations = z.looseObject({
  systemDependencies: z.array(registered(debianSpec)),
  capabilities: z.array(registered(z.string().regex(EXTENSION_CAPABILITY_PATTERN, { error: 'must be a capability name' }))),
  runes: z.array(registered(z.looseObject({ anchor, fields: z.record(z.string(), z.unknown()) }))),
  anchors: z.array(
    registered(
      z.looseObject({
        anchor,
        schema: extensionFile.refine((p) => p.endsWith('.schema.json'), { error: 'must name a *.schema.json file' }),
      }),
    ),
  ),
});

export const registrySchema = z.looseObject({
  formatVersion: z.literal(REGISTRY_FORMAT),
  extensions: z.record(componentName, registrations),
});

const asRegistry = (r: z.output<typeof registrySchema>): Registry => r;

const registryKind: ArtifactKind<Registry> = {
  title: "the extensions' federation record",
  formatVersion: REGISTRY_FORMAT,
  schema: registrySchema.transform(asRegistry),
  regenerate: 'run `npx lychd-forge federate`',
};

/** The federation record at `file`, checked; undefined when no hook ever ran. A ForgeError saying what to run when it is old or damaged. */
export function readFederationRecord(file: string): Registry | undefined {
  return readArtifactIfExists(registryKind, file)?.value;
}
