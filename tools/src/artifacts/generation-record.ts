import { z } from 'zod';
import { readArtifact, type ArtifactKind } from './read';

/**
 * The record of what the Forge wrote into an output folder: the only files it may ever
 * replace or remove there. A folder without it is not ours unless it is empty.
 */
export const OWNERSHIP_RECORD = '.lychd-forge-owned';

/** A name the generation may not hold: absolute, or stepping out of or around its folder. */
export const unsafeName = (name: string): boolean =>
  name.startsWith('/') || name.split('/').some((p) => p === '..' || p === '' || p === '.');

export const generationRecordSchema = z.looseObject({
  files: z.array(
    z.string().refine((f) => !unsafeName(f) && f !== OWNERSHIP_RECORD, { error: 'must be a file name inside the generation folder' }),
  ),
});

const generationRecordKind: ArtifactKind<z.output<typeof generationRecordSchema>> = {
  title: "the generation's record of the files the Forge wrote",
  formatVersion: undefined,
  schema: generationRecordSchema,
  regenerate: 'write the generation into a new or empty folder',
};

/** The files the record at `file` lists, checked; a ForgeError when it is damaged (what it lists cannot be trusted then). */
export function readGenerationRecord(file: string, dir: string): string[] {
  return readArtifact(generationRecordKind, file, {
    regenerate: `remove it only if every file it lists in ${dir} is a generated one, or choose a new or empty folder for the generation`,
  }).value.files;
}
