import * as path from 'node:path';
import { IMAGE_SUMMARY_FILE, type ImageSummary } from '../artifacts/image-summary';
import { IMAGE_SUMMARY_FORMAT } from '../artifacts/formats';
import { canonicalJson } from '../shared/digest';
import type { LayoutImage } from './oci-layout';
import { writeOutputFile } from '../shared/fsutil';

/** The name of the image in every OCI layout the Forge writes, and the label carrying its synthesis. */
export const REF_NAME = 'lychd';
export const SYNTHESIS_LABEL = 'org.lychd.synthesis';

/** What only the builder knows; the rest of the summary is read from the layout. */
export type BuiltImage = Pick<ImageSummary, 'strategy' | 'base' | 'systemPackages' | 'builder' | 'synthesis'>;

export function summarizeLayout(layout: LayoutImage, built: BuiltImage): ImageSummary {
  return {
    formatVersion: IMAGE_SUMMARY_FORMAT,
    imageId: layout.imageId,
    manifestDigest: layout.manifestDigest,
    diffIds: layout.diffIds,
    layout: 'oci',
    refName: REF_NAME,
    ...built,
  };
}

/** Writes `image.json` (canonical JSON) into the image folder; returns its path. */
export function writeImageSummary(imageDir: string, summary: ImageSummary): string {
  const file = path.join(imageDir, IMAGE_SUMMARY_FILE);
  writeOutputFile(file, canonicalJson(summary));
  return file;
}
