import { z } from 'zod';
import type { Registry } from '../codex';
import { REGISTRY_FORMAT } from './formats';
import { ANCHOR_PATTERN, EXTENSION_CAPABILITY_PATTERN } from './patterns';
import { readArtifactIfExists, type ArtifactKind } from './read';
import { componentName, debianSpec, text } from './schema-parts';
import { isSafeRelative } from '../codex/layout';

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
