import { z } from 'zod';
import { readArtifact, readArtifactIfExists, type ArtifactKind, type ReadOptions } from './read';
import { digest, text } from './schema-parts';

/** What `forge:base` records in dist/forge/base/base.json (and its copy in the base cache; image.json's `base`). */
export interface BaseRecord {
  kind: 'debian' | 'image';
  /** The suite, or the image reference with its digest. */
  ref: string;
  /** sha256 of the base tar (Debian) or the pinned manifest digest (image). */
  digest: string;
  /** `major.minor` of the base's python3, when the Forge can read it without a registry. */
  python?: string;
}

export const baseRecordSchema = z.looseObject({
  kind: z.enum(['debian', 'image']),
  ref: text,
  digest,
  python: text.optional(),
});

// The schema checks every field the type promises: a field added to one and not the other fails to compile.
const asBaseRecord = (r: z.output<typeof baseRecordSchema>): BaseRecord => r;

const baseRecordKind: ArtifactKind<BaseRecord> = {
  title: "the base's record",
  formatVersion: undefined,
  schema: baseRecordSchema.transform(asBaseRecord),
  regenerate: 'run `npx nx run forge:base`',
};

/** The base record at `file`, checked; a ForgeError saying what to run when it is missing or damaged. */
export function readBaseRecord(file: string, options?: ReadOptions): BaseRecord {
  return readArtifact(baseRecordKind, file, options).value;
}

/** The same, with undefined when no base was built yet. */
export function readBaseRecordIfExists(file: string): BaseRecord | undefined {
  return readArtifactIfExists(baseRecordKind, file)?.value;
}
