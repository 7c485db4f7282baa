import * as path from 'node:path';
import { z } from 'zod';
import { MANIFEST_FORMAT } from './formats';
import { EXTENSION_CAPABILITY_PATTERN, PYTHON_PROJECT_PATTERN } from './patterns';
import { MANIFEST_FILE } from './paths';
import { readArtifact, type ArtifactKind, type ReadOptions } from './read';
import { componentName, debianName, debianSpec, digest, plainPath, text } from './schema-parts';
import { sha256 } from '../shared/digest';

export interface PythonArtifact {
  kind: 'sdist' | 'wheel';
  /** Remote URL, or path relative to the workspace for local files. */
  url?: string;
  path?: string;
  sha256?: string;
  size?: number;
}

export interface PythonPackage {
  name: string;
  version?: string;
  /** uv's source table; local paths made workspace-relative. */
  source: Record<string, string>;
  artifacts: PythonArtifact[];
  /** For local folders, which uv does not hash: see `treeSha256`. */
  treeSha256?: string;
}

export interface NodePackage {
  /** Location in the lock, e.g. `node_modules/ms`. */
  path: string;
  name: string;
  version?: string;
  resolved?: string;
  integrity?: string;
}

/** One Debian package the image needs, and who asked for it. */
export interface SystemPackage {
  /** `name` or `name=version`, as handed to apt-get. */
  spec: string;
  name: string;
  version?: string;
  requestedBy: string[];
}

/** `forge/synthesis.lock.json`, as the synthesis writes it (synthesis/manifest.ts) and every stage after it reads it. */
export interface SynthesisManifest {
  formatVersion: number;
  inputs: { digest: string; files: Record<string, string> };
  components: Array<{
    kind: string;
    name: string;
    path: string;
    pythonProject: string;
    capabilities: string[];
    systemDependencies: string[];
  }>;
  python: { lockfile: string; requiresPython?: string; packages: PythonPackage[] };
  node: { lockfile: string; packages: NodePackage[] };
  tailwind: { config: string; sources: string[] };
  system: SystemPackage[];
  synthesized: Record<string, string>;
  quadlets: { dir: string; files: Record<string, string> } | null;
  tools: { uv: string; npm: string };
  /** The Sovereign path's `flake.lock`, once a user's Nix has written it; absent before. */
  nix?: { flakeLock: string; sha256: string };
  /** `[forge] resolve_before`: the time the Python and Node locks were resolved as of; absent when unpinned. */
  resolveBefore?: string;
  /** The Debian lock (every `.deb` of the system layer, the base it was resolved on), once written; absent before. */
  debian?: { lockfile: string; sha256: string };
}

const version = text.optional();

const component = z.looseObject({
  kind: z.enum(['core', 'extension']),
  name: componentName,
  path: plainPath,
  pythonProject: z.string().regex(PYTHON_PROJECT_PATTERN, { error: 'must be a Python project name' }),
  capabilities: z.array(z.string().regex(EXTENSION_CAPABILITY_PATTERN, { error: 'must be a capability name such as "speech.transcribe"' })),
  systemDependencies: z.array(debianSpec),
});

const pythonPackage = z.looseObject({
  name: text,
  version,
  source: z.record(z.string(), text),
  artifacts: z.array(
    z.looseObject({
      kind: z.enum(['sdist', 'wheel']),
      url: text.optional(),
      path: text.optional(),
      sha256: text.optional(),
      size: z.number().optional(),
    }),
  ),
  treeSha256: text.optional(),
});

const nodePackage = z.looseObject({ path: text, name: text, version, resolved: text.optional(), integrity: text.optional() });

/** Unknown fields are kept: a field a later format adds is that format's to check. */
export const synthesisManifestSchema = z.looseObject({
  formatVersion: z.literal(MANIFEST_FORMAT),
  inputs: z.looseObject({ digest, files: z.record(z.string(), digest) }),
  components: z.array(component),
  python: z.looseObject({ lockfile: plainPath, requiresPython: text.optional(), packages: z.array(pythonPackage) }),
  node: z.looseObject({ lockfile: plainPath, packages: z.array(nodePackage) }),
  tailwind: z.looseObject({ config: plainPath, sources: z.array(plainPath) }),
  system: z.array(z.looseObject({ spec: debianSpec, name: debianName, version, requestedBy: z.array(componentName) })),
  synthesized: z.record(plainPath, digest),
  quadlets: z.looseObject({ dir: plainPath, files: z.record(z.string(), digest) }).nullable(),
  tools: z.looseObject({ uv: text, npm: text }),
  nix: z.looseObject({ flakeLock: plainPath, sha256: digest }).optional(),
  resolveBefore: text.optional(),
  debian: z.looseObject({ lockfile: plainPath, sha256: digest }).optional(),
});

// The schema checks every field the type promises: a field added to one and not the other fails to compile.
const asManifest = (m: z.output<typeof synthesisManifestSchema>): SynthesisManifest => m;

const manifestKind: ArtifactKind<SynthesisManifest> = {
  title: 'the Synthesis Manifest',
  formatVersion: MANIFEST_FORMAT,
  schema: synthesisManifestSchema.transform(asManifest),
  regenerate: 'run `npx lychd-forge synthesize`',
};

export interface ReadManifest {
  manifest: SynthesisManifest;
  /** `sha256:` of the bytes read: the image's `org.lychd.synthesis` label. */
  digest: string;
  bytes: Buffer;
}

/** The workspace's Synthesis Manifest (or the one at `file`), checked; a ForgeError saying what to run when it is missing, old or damaged. */
export function readSynthesisManifest(
  workspaceRoot: string,
  file = path.join(workspaceRoot, MANIFEST_FILE),
  options?: ReadOptions,
): ReadManifest {
  const { value, bytes } = readArtifact(manifestKind, file, options);
  return { manifest: value, digest: `sha256:${sha256(bytes)}`, bytes };
}
