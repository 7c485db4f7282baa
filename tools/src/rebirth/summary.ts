import * as fs from 'node:fs';
import * as path from 'node:path';
import { readImageSummaryRecord } from '../artifacts/image-summary';
import type { ReadOptions } from '../artifacts/read';
import { ForgeError } from '../diagnostics';

/** The fields of `image.json` (written by forge:image) that the Gate reads; nothing else. */
export interface GateImageSummary {
  imageId: string;
  manifestDigest: string;
  refName: string;
  strategy: string;
  synthesis: string;
  systemPackages: Record<string, string>;
  /** The base the image was built on (`kind ref`, digest), when the summary names one. */
  base?: { ref: string; digest: string };
}

/** The 12 hex digits podman shows for an image; the id a person confirms. */
export const shortId = (imageId: string): string => imageId.replace(/^sha256:/, '').slice(0, 12);

/**
 * Reads and checks `<imageDir>/image.json` (every problem at once, at its line and field) and,
 * unless `layout` is false (a body the Gate stored keeps the summary, not the layout), that
 * `<imageDir>/oci/` is an OCI layout.
 */
export function readImageSummary(
  imageDir: string,
  { layout = true, ...options }: ReadOptions & { layout?: boolean } = {},
): GateImageSummary {
  const o = readImageSummaryRecord(imageDir, options);
  if (layout && !fs.existsSync(path.join(imageDir, 'oci', 'index.json')))
    throw new ForgeError([
      {
        severity: 'error',
        code: 'LYCHD604',
        file: path.join(imageDir, 'oci'),
        message: 'is not an OCI image layout (no index.json)',
        hint: 'build the image again (`npx nx run forge:image`)',
      },
    ]);
  return {
    imageId: o.imageId,
    manifestDigest: o.manifestDigest,
    refName: o.refName,
    strategy: o.strategy,
    synthesis: o.synthesis,
    systemPackages: o.systemPackages,
    ...(o.base ? { base: { ref: `${o.base.kind} ${o.base.ref}`, digest: o.base.digest } } : {}),
  };
}
