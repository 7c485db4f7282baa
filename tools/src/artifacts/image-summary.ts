import * as path from 'node:path';
import { z } from 'zod';
import type { BaseRecord } from './base-record';
import { IMAGE_SUMMARY_FORMAT } from './formats';
import { REF_NAME_PATTERN } from './patterns';
import { readArtifact, type ArtifactKind, type ReadOptions } from './read';
import { digest, text } from './schema-parts';

/** The summary's file in an image folder (forge:image's output, and each body the Gate stores). */
export const IMAGE_SUMMARY_FILE = 'image.json';

/** `image.json`: the contract between both image paths and the Rebirth Gate (docs/image.md). */
export type ImageSummary = {
  formatVersion: typeof IMAGE_SUMMARY_FORMAT;
  strategy: 'mundane' | 'sovereign';
  imageId: string;
  manifestDigest: string;
  diffIds: string[];
  layout: 'oci';
  refName: string;
  base: { kind: BaseRecord['kind']; ref: string; digest: string };
  systemPackages: Record<string, string>;
  builder: { name: 'buildah' | 'nix'; version: string };
  synthesis: string;
};

const refName = z.string().regex(REF_NAME_PATTERN, { error: 'must be an OCI ref name' });
// A Debian version with its `:` and `~` made plain is a ref name too; the keys are package names.
const debianVersion = z.string().refine((v) => REF_NAME_PATTERN.test(v.replace(/[:~]/g, '_')), { error: 'must be a Debian version' });

/**
 * `image.json`: the contract between both image paths and the Rebirth Gate (docs/image.md).
 * `base` and `builder` are optional to the reader: the Gate shows a base change only when both
 * sides name one. Unknown fields are kept, as in every artifact.
 */
export const imageSummarySchema = z.looseObject({
  formatVersion: z.literal(IMAGE_SUMMARY_FORMAT),
  strategy: z.enum(['mundane', 'sovereign']),
  imageId: digest,
  manifestDigest: digest,
  diffIds: z.array(digest),
  layout: z.literal('oci'),
  refName,
  base: z.looseObject({ kind: z.enum(['debian', 'image']), ref: text, digest }).optional(),
  systemPackages: z.record(refName, debianVersion),
  builder: z.looseObject({ name: z.enum(['buildah', 'nix']), version: text }).optional(),
  synthesis: digest,
});

export type ImageSummaryRecord = z.output<typeof imageSummarySchema>;

// What forge:image writes is what this reads: a field the schema requires and the writer lacks, or
// types differently, fails to compile.
true satisfies ImageSummary extends ImageSummaryRecord ? true : false;

const summaryKind: ArtifactKind<ImageSummaryRecord> = {
  title: 'the image summary',
  formatVersion: IMAGE_SUMMARY_FORMAT,
  schema: imageSummarySchema,
  regenerate: 'build the image again (`npx nx run forge:image`)',
};

/** `<imageDir>/image.json`, checked; a ForgeError naming the file, line and field when it is missing, old or damaged. */
export function readImageSummaryRecord(imageDir: string, options?: ReadOptions): ImageSummaryRecord {
  return readArtifact(summaryKind, path.join(imageDir, IMAGE_SUMMARY_FILE), options).value;
}
