import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from '../../shared/digest';
import type { ImageSummary } from '../image';
import { readLayout, type LayoutImage } from '../layout';

export type { ImageSummary } from '../image';

export const REF_NAME = 'lychd';
export const SYNTHESIS_LABEL = 'org.lychd.synthesis';

/** Reads the one image named `refName` of an OCI image layout: digests, diff IDs, labels, user. */
export const readOciImage = (ociDir: string, refName = REF_NAME): LayoutImage => readLayout(ociDir, refName);

/** Writes `image.json` (canonical JSON) into the image folder. */
export function writeImageSummary(imageDir: string, summary: ImageSummary): string {
  const file = path.join(imageDir, 'image.json');
  fs.writeFileSync(file, canonicalJson(summary));
  return file;
}
