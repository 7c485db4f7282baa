import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from '../../synthesis/digest';

/** The summary every image path writes beside its OCI layout (`dist/forge/image/image.json`). */
export interface ImageSummary {
  formatVersion: 1;
  strategy: 'mundane' | 'sovereign';
  imageId: string;
  manifestDigest: string;
  diffIds: string[];
  layout: 'oci';
  refName: string;
  base: { kind: 'debian' | 'image'; ref: string; digest: string };
  systemPackages: Record<string, string>;
  builder: { name: 'buildah' | 'nix'; version: string };
  synthesis: string;
}

export const REF_NAME = 'lychd';
export const SYNTHESIS_LABEL = 'org.lychd.synthesis';

export interface OciImage {
  imageId: string;
  manifestDigest: string;
  diffIds: string[];
  labels: Record<string, string>;
  user?: string;
}

/** Reads the one image named `refName` of an OCI image layout: digests, diff IDs and labels. */
export function readOciImage(ociDir: string, refName = REF_NAME): OciImage {
  const blob = (digest: string) => {
    const [algo, hex] = digest.split(':');
    return JSON.parse(fs.readFileSync(path.join(ociDir, 'blobs', algo!, hex!), 'utf8')) as Record<string, unknown>;
  };
  const index = JSON.parse(fs.readFileSync(path.join(ociDir, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === refName);
  if (!entry) throw new Error(`${ociDir}: no image named "${refName}" in index.json`);
  const manifest = blob(entry.digest) as { config: { digest: string } };
  const config = blob(manifest.config.digest) as { rootfs?: { diff_ids?: string[] }; config?: { Labels?: Record<string, string>; User?: string } };
  return {
    imageId: manifest.config.digest,
    manifestDigest: entry.digest,
    diffIds: config.rootfs?.diff_ids ?? [],
    labels: config.config?.Labels ?? {},
    user: config.config?.User,
  };
}

/** Writes `image.json` (canonical JSON) into the image folder. */
export function writeImageSummary(imageDir: string, summary: ImageSummary): string {
  const file = path.join(imageDir, 'image.json');
  fs.writeFileSync(file, canonicalJson(summary));
  return file;
}
