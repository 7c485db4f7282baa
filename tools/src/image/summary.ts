import * as path from 'node:path';
import { IMAGE_SUMMARY_FILE } from '../artifacts/image-summary';
import { IMAGE_SUMMARY_FORMAT } from '../artifacts/formats';
import { canonicalJson } from '../shared/digest';
import type { BaseRecord } from './base';
import type { LayoutImage } from './oci-layout';
import { writeOutputFile } from '../shared/fsutil';

/** The name of the image in every OCI layout the Forge writes, and the label carrying its synthesis. */
export const REF_NAME = 'lychd';
export const SYNTHESIS_LABEL = 'org.lychd.synthesis';

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
