import * as path from 'node:path';
import { z } from 'zod';
import { DEBIAN_LOCK_FORMAT } from './formats';
import { DEB_FILE_PATTERN, DEBIAN_SUITE_PATTERN, isDebianVersion, SHA256_HEX_PATTERN } from './patterns';
import { DEBIAN_LOCK_FILE } from './paths';
import { readArtifactIfExists, type ArtifactKind } from './read';
import { debianName, debianSpec, digest, text } from './schema-parts';
import type { SynthesisManifest } from './synthesis-manifest';

/** A Debian archive as one `deb` line names it. */
export interface DebianArchive {
  uri: string;
  suite: string;
  components: string[];
}

/** One package version as an archive's index describes it. */
export interface IndexedDeb {
  name: string;
  version: string;
  architecture: string;
  /** The file's path inside the archive (`pool/main/…`). */
  filename: string;
  size: number;
  sha256: string;
}

/** The committed Debian lock (forge/synthesis/debian.lock.json): what the base and the system layer install, to the byte. */
export interface DebianLock {
  formatVersion: typeof DEBIAN_LOCK_FORMAT;
  archive: DebianArchive;
  /**
   * The base, built from exactly these `.deb` files (mmdebstrap's minbase and the recipe's
   * includes, as it resolved them against the archive), and the digest of the tar they make.
   */
  base: { suite: string; digest: string; packages: IndexedDeb[] };
  /** The extensions' system dependencies as the Synthesis Manifest lists them (`name` or `name=version`). */
  requested: string[];
  /** Every `.deb` the system layer installs: the requested packages and what they depend on that the base lacks. */
  packages: IndexedDeb[];
}

/** What a lock must have been resolved for: the extensions' system packages as the manifest lists them. */
export const requestedSpecs = (manifest: SynthesisManifest): string[] => manifest.system.map((p) => p.spec);

/** A file of the archive that may reach a build context and a Containerfile: under `pool/`, of plain parts, a `.deb`. */
const isPoolFile = (file: string): boolean =>
  /^pool\/[A-Za-z0-9_.+~/-]+$/.test(file) && !file.includes('..') && DEB_FILE_PATTERN.test(path.posix.basename(file));

const indexedDeb = z.looseObject({
  name: debianName,
  version: z.string().refine(isDebianVersion, { error: 'must be a Debian version' }),
  architecture: text,
  filename: z.string().refine(isPoolFile, { error: 'must be a plain archive file: pool/…/<name>_<version>_<architecture>.deb' }),
  size: z.number().int().nonnegative({ error: 'must be a size in bytes' }),
  sha256: z.string().regex(SHA256_HEX_PATTERN, { error: 'must be 64 lowercase hex digits' }),
});

const suite = z.string().regex(DEBIAN_SUITE_PATTERN, { error: 'must be a Debian suite such as "bookworm"' });

export const debianLockSchema = z.looseObject({
  formatVersion: z.literal(DEBIAN_LOCK_FORMAT),
  archive: z.looseObject({ uri: text, suite, components: z.array(text) }),
  base: z.looseObject({ suite, digest, packages: z.array(indexedDeb) }),
  requested: z.array(debianSpec),
  packages: z.array(indexedDeb),
});

// The schema checks every field the type promises: a field added to one and not the other fails to compile.
const asDebianLock = (l: z.output<typeof debianLockSchema>): DebianLock => l;

const debianLockKind: ArtifactKind<DebianLock> = {
  title: 'the Debian lock',
  formatVersion: DEBIAN_LOCK_FORMAT,
  schema: debianLockSchema.transform(asDebianLock),
  regenerate: 'run `npx lychd-forge debian-lock`',
};

/** The workspace's Debian lock, checked; undefined when there is none. A ForgeError saying what to run when it is old or damaged. */
export function readDebianLock(workspaceRoot: string): DebianLock | undefined {
  return readArtifactIfExists(debianLockKind, path.join(workspaceRoot, DEBIAN_LOCK_FILE))?.value;
}
