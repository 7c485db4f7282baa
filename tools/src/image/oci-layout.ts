import * as fs from 'node:fs';
import * as path from 'node:path';
import { failure } from '../diagnostics';

/** An OCI image layout as `buildah push … oci:DIR:REF` writes it, read back for the summary. */
export interface LayoutImage {
  manifestDigest: string;
  imageId: string;
  diffIds: string[];
  labels: Record<string, string>;
  user?: string;
}

const blob = (dir: string, digest: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'blobs', ...digest.split(':')), 'utf8')) as Record<string, unknown>;

export function readLayout(dir: string, refName: string): LayoutImage {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === refName);
  if (!entry)
    throw failure('LYCHD604', `no image named ${refName}`, {
      file: path.join(dir, 'index.json'),
      hint: 'build the image again (`npx nx run forge:image`)',
    });
  const manifest = blob(dir, entry.digest) as { config: { digest: string } };
  const config = blob(dir, manifest.config.digest) as {
    rootfs?: { diff_ids?: string[] };
    config?: { Labels?: Record<string, string>; User?: string };
  };
  return {
    manifestDigest: entry.digest,
    imageId: manifest.config.digest,
    diffIds: config.rootfs?.diff_ids ?? [],
    labels: config.config?.Labels ?? {},
    user: config.config?.User,
  };
}
