import * as fs from 'node:fs';
import { parse } from 'smol-toml';
import type { SynthesisProblem } from './problems';
import { throwIfAny } from './problems';
import { REGISTRY_FILE } from '../codex/registry';
import { primeScrollPath } from '../codex/folders';
import { DEBIAN_LOCK_FILE, FLAKE_LOCK, MANIFEST_FILE, NODE_FILES, PYTHON_FILES, TAILWIND_FILE, TEMPLATES_DIR } from '../artifacts/paths';
import { abs, toPosix } from '../shared/workspace-path';
import { componentsOf, type Component, type Components, type ComponentSource, type PythonComponent } from './discovery';
import { readPythonComponents } from './pyproject';
import { collectSystemPackages } from './system';
import { packageJsonPath } from './node';
import { findTailwindConfigs, type TailwindSource } from './tailwind';
import { canonicalJson, fileSha256, sha256 } from '../shared/digest';
import { listTree } from '../artifacts/tree';
import { writeFiles, type GeneratedFile } from './fsio';
import { nodePackages, pythonPackages } from './locked-packages';
import { toolVersion } from '../toolchain';

import { MANIFEST_FORMAT } from '../artifacts/formats';
import type { SynthesisManifest, SystemPackage } from '../artifacts/synthesis-manifest';

export const FORMAT_VERSION = MANIFEST_FORMAT;

export interface AssembleOptions extends ComponentSource {
  /** Workspace-relative folder of the Scribe's quadlet generation; digested when it exists. */
  quadletsDir?: string;
  /** Tool versions to record; queried from the resolved tools when omitted. */
  tools?: { uv: string; npm: string };
  /** The input digests the locks were made from: an input that changed since is refused, not recorded. */
  lockedFrom?: Record<string, string>;
}

const SYNTHESIZED_FILES = [PYTHON_FILES.pyproject, PYTHON_FILES.lock, NODE_FILES.packageJson, NODE_FILES.lock, TAILWIND_FILE];

/** Builds the Synthesis Manifest from the inputs and the synthesized files, without writing. */
export async function buildManifest(options: AssembleOptions): Promise<{ manifest: SynthesisManifest; file: GeneratedFile }> {
  const { workspaceRoot } = options;
  const components = componentsOf(options);
  const { python, system, tailwind } = readSources(workspaceRoot, components.all);
  const uvLock = parse(fs.readFileSync(abs(workspaceRoot, PYTHON_FILES.lock), 'utf8')) as Record<string, unknown>;
  const inputs = inputDigests(workspaceRoot, components, tailwind);
  if (options.lockedFrom) refuseChangedInputs(options.lockedFrom, inputs);
  const manifest: SynthesisManifest = {
    formatVersion: FORMAT_VERSION,
    inputs: { digest: `sha256:${sha256(canonicalJson(inputs))}`, files: inputs },
    components: componentEntries(python, system),
    python: {
      lockfile: PYTHON_FILES.lock,
      requiresPython: typeof uvLock['requires-python'] === 'string' ? uvLock['requires-python'] : undefined,
      packages: pythonPackages(workspaceRoot, uvLock),
    },
    node: { lockfile: NODE_FILES.lock, packages: nodePackages(fs.readFileSync(abs(workspaceRoot, NODE_FILES.lock), 'utf8')) },
    tailwind: { config: TAILWIND_FILE, sources: tailwind.map((t) => t.file) },
    system,
    synthesized: Object.fromEntries(SYNTHESIZED_FILES.map((file) => [file, `sha256:${fileSha256(abs(workspaceRoot, file))}`])),
    quadlets: quadletDigests(workspaceRoot, options.quadletsDir),
    tools: options.tools ?? (await queryToolVersions(workspaceRoot)),
    nix: fs.existsSync(abs(workspaceRoot, FLAKE_LOCK))
      ? { flakeLock: FLAKE_LOCK, sha256: `sha256:${fileSha256(abs(workspaceRoot, FLAKE_LOCK))}` }
      : undefined,
    debian: debianLockDigest(workspaceRoot),
    resolveBefore: components.settings.forge.resolve_before,
  };
  return { manifest, file: { path: MANIFEST_FILE, content: canonicalJson(manifest) } };
}

/** The digests of every input as they are now, for a later comparison (see `lockedFrom`). */
export function currentInputDigests(source: ComponentSource): Record<string, string> {
  const components = componentsOf(source);
  const problems: SynthesisProblem[] = [];
  const tailwind = findTailwindConfigs(source.workspaceRoot, components.all, problems);
  throwIfAny(problems);
  return inputDigests(source.workspaceRoot, components, tailwind);
}

/** A file edited while uv and npm ran would be recorded with locks made from its old text. */
function refuseChangedInputs(before: Record<string, string>, now: Record<string, string>): void {
  const changed = [...new Set([...Object.keys(before), ...Object.keys(now)])].filter((f) => before[f] !== now[f]).sort();
  throwIfAny(
    changed.map((entry) => ({
      code: 'LYCHD304',
      file: entry.split('#')[0]!,
      field: entry.includes('#') ? entry.split('#')[1]! : '(file)',
      message: 'changed while the synthesis ran, so the locks may not match it; the manifest was not written',
      fix: 'run the synthesis again once the file is saved',
    })),
  );
}

/** The components' manifests as the earlier stages read them, once every stage has written its files; every problem at once. */
function readSources(workspaceRoot: string, components: Component[]) {
  const problems: SynthesisProblem[] = [];
  const python = readPythonComponents(workspaceRoot, components, problems);
  const system = collectSystemPackages(python, problems);
  const tailwind = findTailwindConfigs(workspaceRoot, components, problems);
  for (const file of SYNTHESIZED_FILES)
    if (!fs.existsSync(abs(workspaceRoot, file)))
      problems.push({
        code: 'LYCHD304',
        file,
        field: '(file)',
        message: 'has not been synthesized yet',
        fix: 'run the Python lock, Node lock and Tailwind stages before assembling the manifest',
      });
  throwIfAny(problems);
  return { python, system, tailwind };
}

/**
 * A digest of every input: the Prime Scroll's `[forge]` and `[extensions]` as written, every
 * component's manifests, what the extensions' hooks registered (it counts like their static
 * lists) and the templates.
 */
function inputDigests(workspaceRoot: string, components: Components, tailwind: TailwindSource[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(components.settings.written))
    if (value !== undefined) inputs[`${primeScrollPath(components.folders)}#${name}`] = `sha256:${sha256(canonicalJson(value))}`;
  const manifestFiles = components.all
    .flatMap((c) => [`${c.dir}/pyproject.toml`, packageJsonPath(c)])
    .concat(
      tailwind.map((t) => t.file),
      [REGISTRY_FILE],
    );
  for (const file of manifestFiles)
    if (fs.existsSync(abs(workspaceRoot, file))) inputs[file] = `sha256:${fileSha256(abs(workspaceRoot, file))}`;
  const templates = abs(workspaceRoot, TEMPLATES_DIR);
  if (fs.existsSync(templates)) for (const [rel, hash] of listTree(templates)) inputs[`${TEMPLATES_DIR}/${rel}`] = `sha256:${hash}`;
  return inputs;
}

function componentEntries(python: PythonComponent[], system: SystemPackage[]): SynthesisManifest['components'] {
  return python.map((p) => ({
    kind: p.component.kind,
    name: p.component.name,
    path: p.component.dir,
    pythonProject: p.projectName,
    capabilities: p.capabilities,
    systemDependencies: system.filter((s) => s.requestedBy.includes(p.component.name)).map((s) => s.spec),
  }));
}

/** Writes `forge/synthesis.lock.json`. */
export async function assembleManifest(options: AssembleOptions): Promise<{ manifest: SynthesisManifest; files: GeneratedFile[] }> {
  const { manifest, file } = await buildManifest(options);
  writeFiles(options.workspaceRoot, [file]);
  return { manifest, files: [file] };
}

export async function queryToolVersions(workspaceRoot: string): Promise<{ uv: string; npm: string }> {
  return { uv: toolVersion('uv', { workspaceRoot }), npm: toolVersion('npm', { workspaceRoot }) };
}

function quadletDigests(workspaceRoot: string, dir?: string): SynthesisManifest['quadlets'] {
  if (!dir) return null;
  const full = abs(workspaceRoot, dir);
  if (!fs.existsSync(full)) return null;
  const files: Record<string, string> = {};
  for (const [rel, hash] of listTree(full)) files[rel] = `sha256:${hash}`;
  return { dir: toPosix(dir), files };
}

/** The Debian lock's entry in the manifest: its digest, so the manifest's digest (the image's label) covers it. */
export function debianLockDigest(workspaceRoot: string): SynthesisManifest['debian'] {
  const file = abs(workspaceRoot, DEBIAN_LOCK_FILE);
  return fs.existsSync(file) ? { lockfile: DEBIAN_LOCK_FILE, sha256: `sha256:${fileSha256(file)}` } : undefined;
}
