import * as fs from 'node:fs';
import * as path from 'node:path';
import { failure } from '../diagnostics';
import { runProgram } from '../toolchain';

/** An OCI image layout as the Forge writes it (`writeLayout`), read back for the summary. */
export interface LayoutImage {
  manifestDigest: string;
  imageId: string;
  diffIds: string[];
  labels: Record<string, string>;
  user?: string;
}

interface Descriptor {
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}
interface Manifest {
  config: Descriptor;
  layers: Descriptor[];
}

const blobPath = (dir: string, digest: string) => path.join(dir, 'blobs', ...digest.split(':'));
const blob = (dir: string, digest: string) => JSON.parse(fs.readFileSync(blobPath(dir, digest), 'utf8')) as Record<string, unknown>;

/** The layout's index: a descriptor for each image it holds. */
const manifestsOf = (dir: string) =>
  (JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] }).manifests;

function manifestOf(dir: string, refName: string): { digest: string; manifest: Manifest } | undefined {
  const entry = manifestsOf(dir).find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === refName);
  return entry && { digest: entry.digest, manifest: blob(dir, entry.digest) as unknown as Manifest };
}

export function readLayout(dir: string, refName: string): LayoutImage {
  const found = manifestOf(dir, refName);
  if (!found)
    throw failure('LYCHD604', `no image named ${refName}`, {
      file: path.join(dir, 'index.json'),
      hint: 'build the image again (`npx nx run forge:image`)',
    });
  const config = blob(dir, found.manifest.config.digest) as {
    rootfs?: { diff_ids?: string[] };
    config?: { Labels?: Record<string, string>; User?: string };
  };
  return {
    manifestDigest: found.digest,
    imageId: found.manifest.config.digest,
    diffIds: config.rootfs?.diff_ids ?? [],
    labels: config.config?.Labels ?? {},
    user: config.config?.User,
  };
}

export interface WriteLayoutOptions {
  skopeo: string;
  /** What skopeo copies from: `containers-storage:[…]<id>` or `docker-archive:<file>`. */
  source: string;
  /** The new layout's folder: must not exist yet. */
  dir: string;
  refName: string;
  /** Layouts whose layers are reused (hard-linked) rather than written again: the one this replaces, the stages'. */
  reuse?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Copies an image into a new OCI layout with uncompressed layers, as podman stores them: no gzip
 * to pay for on every build (most of the cost of writing a layout) nor to undo on `podman pull`.
 * A layer is then named by its content alone (its digest is its diff ID), so the layers of the
 * layouts in `reuse` are linked in first and skopeo writes only the layers they do not hold.
 * The image ID (the config's digest) does not depend on compression.
 */
export function writeLayout(o: WriteLayoutOptions): void {
  fs.mkdirSync(path.join(o.dir, 'blobs', 'sha256'), { recursive: true });
  for (const from of o.reuse ?? []) linkLayers(from, o.dir);
  const copy = runProgram(o.skopeo, skopeoCopyArgs(o.source, `oci:${o.dir}:${o.refName}`), {
    env: o.env,
    timeoutMs: 3_600_000,
  });
  if (copy.status !== 0)
    throw failure('LYCHD603', `skopeo could not write the OCI layout (exit ${copy.status})`, {
      cause: [(copy.stderr || copy.stdout).trim().split('\n').slice(-10).join('\n')],
    });
  keepOnlyReferenced(o.dir, o.refName);
}

/** skopeo's arguments for copying an image into an OCI layout with its layers uncompressed. */
export const skopeoCopyArgs = (source: string, dest: string) => ['copy', '--quiet', '--dest-oci-accept-uncompressed-layers', source, dest];

/**
 * Hard links into `dir` the layers of every image of the layout `from` whose file has the size its
 * manifest says: a reuse, never a copy.
 */
export function linkLayers(from: string, dir: string): void {
  let manifests: Descriptor[];
  try {
    manifests = manifestsOf(from);
  } catch {
    return; // no layout there, or not one the Forge wrote: every layer is written
  }
  const layers = manifests.flatMap((m) => {
    try {
      return (blob(from, m.digest) as unknown as Partial<Manifest>).layers ?? [];
    } catch {
      return []; // an unreadable manifest: its layers are written
    }
  });
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const layer of layers) {
    if (!/^sha256:[0-9a-f]{64}$/.test(layer.digest)) continue;
    const source = blobPath(from, layer.digest);
    try {
      const st = fs.lstatSync(source);
      if (st.isFile() && st.size === layer.size) fs.linkSync(source, blobPath(dir, layer.digest));
    } catch {
      // missing, already there, or another filesystem: skopeo writes this layer
    }
  }
}

/** Removes the linked layers the new image does not use. */
function keepOnlyReferenced(dir: string, refName: string): void {
  const found = manifestOf(dir, refName);
  if (!found) throw failure('LYCHD603', `skopeo wrote no image named ${refName} into ${dir}`);
  const keep = new Set([found.digest, found.manifest.config.digest, ...found.manifest.layers.map((l) => l.digest)]);
  const blobs = path.join(dir, 'blobs', 'sha256');
  for (const name of fs.readdirSync(blobs)) if (!keep.has(`sha256:${name}`)) fs.rmSync(path.join(blobs, name));
}
