import * as fs from 'node:fs';
import * as path from 'node:path';
import nunjucks from 'nunjucks';
import { error, START, type LocatedDiagnostic } from '../../codex/diagnostics';
import { DEFAULT_CODEX_FOLDERS } from '../../codex/folders';
import { loadPrimeScroll } from '../../codex/prime-scroll';
import { VESSEL_USER } from '../../codex/vessel-user';
import { parseTomlSource } from '../../codex/toml-source';
import { ForgeError } from '../../diagnostics';
import { readSynthesisManifest } from '../../artifacts/synthesis-manifest';
import { FLAKE_LOCK, MANIFEST_FILE, NODE_FILES, PYTHON_FILES } from '../../artifacts/paths';
import type { SynthesisManifest } from '../../synthesis';
import { parseDebianSpec } from '../../artifacts/patterns';
import { canonicalJson } from '../../shared/digest';
import { DEBIAN_LOCK_FILE, RELOCK_COMMAND } from '../debian-lock';
import { readDebianLock, requestedSpecs, type DebianLock } from '../../artifacts/debian-lock';
import { DEBIAN_TO_NIXPKGS } from './nixpkgs-table';
import { nixAttrName, nixAttrPath, nixString } from './nix-syntax';
import { FLAKE_INPUTS } from './pins';
import { CSS_TAKEN, isComponentConfig, shippedCss, TAILWIND_CLI, takenByCss, tailwindcssProblem } from '../tailwind-build';

import { FLAKE_FILE, FLAKE_TEMPLATE } from '../../artifacts/paths';
export { FLAKE_FILE, FLAKE_TEMPLATE };
export { FLAKE_LOCK };
export const FLAKE_SYSTEMS = ['aarch64-linux', 'x86_64-linux'] as const;

/** What the template is given: every value a plain string or list, escaped by the template's filters. */
export interface FlakeModel {
  inputs: Array<{ name: string; url: string; follows: string[] }>;
  systems: readonly string[];
  python: string;
  pythonDir: string;
  manifestFile: string;
  nodeDir: string;
  node: boolean;
  /** The merged Tailwind config, built into CSS that ships in each component whose config asked for it; false without one. */
  tailwind: false | { config: string; configDir: string; cli: string; css: Array<{ dir: string; file: string }> };
  sources: Array<{ dest: string; path: string }>;
  /** Each nixpkgs attribute and the Debian names it stands for, with the version the Debian lock holds for each (`name=version`) when there is a lock. */
  systemPackages: Array<{ attr: string; debian: string[]; locked: string[] }>;
  uid: number;
  /** The Vessel's port (`[vessel] port`), as the Mundane image exposes it. */
  port: number;
}

export interface FlakeOptions {
  workspaceRoot: string;
  /** The Codex folder (holds lychd.toml); `<workspace>/codex` by default. */
  codexDir?: string;
}

export type FlakeResult = { ok: true; content: string; model: FlakeModel } | { ok: false; diagnostics: LocatedDiagnostic[] };

/** Renders flake.nix from the Synthesis Manifest and the Prime Scroll; writes nothing. */
export function renderFlake(options: FlakeOptions): FlakeResult {
  const built = flakeModel(options);
  if ('diagnostics' in built) return { ok: false, diagnostics: built.diagnostics };
  const template = fs.readFileSync(path.join(options.workspaceRoot, FLAKE_TEMPLATE), 'utf8');
  return { ok: true, content: environment().renderString(template, built.model), model: built.model };
}

function environment(): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, trimBlocks: false });
  env.addFilter('nixstr', (v: unknown) => nixString(String(v)));
  env.addFilter('nixattr', (v: unknown) => nixAttrName(String(v)));
  env.addFilter('nixpath', (v: unknown) => nixAttrPath(String(v)));
  return env;
}

export function flakeModel(options: FlakeOptions): { model: FlakeModel } | { diagnostics: LocatedDiagnostic[] } {
  const root = options.workspaceRoot;
  const codexDir = options.codexDir ?? path.join(root, DEFAULT_CODEX_FOLDERS.codexDir);
  let manifest: SynthesisManifest;
  try {
    manifest = readSynthesisManifest(root).manifest;
  } catch (e) {
    if (e instanceof ForgeError)
      return { diagnostics: e.diagnostics.map((d) => ({ ...START, ...d, file: d.file ?? path.join(root, MANIFEST_FILE) })) };
    throw e;
  }
  const scroll = loadPrimeScroll(codexDir);
  if (!scroll.prime) return { diagnostics: scroll.diagnostics };
  const forge = scroll.prime.forge;

  // The manifest is committed: its reader checked every value that is written into flake.nix.
  const strays = manifest.tailwind.sources.filter((f) => !isComponentConfig(manifest, f));
  if (strays.length)
    return {
      diagnostics: strays.map((f) =>
        error(
          'LYCHD304',
          path.join(root, MANIFEST_FILE),
          START,
          `tailwind: ${JSON.stringify(f)} is not the Tailwind config of a component`,
          {
            hint: 'the manifest was edited by hand: run `npx lychd-forge synthesize` to regenerate it',
          },
        ),
      ),
    };
  const missing = tailwindcssProblem(manifest);
  if (missing)
    return {
      diagnostics: [
        error('LYCHD600', path.join(root, MANIFEST_FILE), START, missing.message, { field: 'node.packages', hint: missing.fix }),
      ],
    };
  // The app installs the built CSS into the components: a file of theirs there would be replaced.
  const taken = takenByCss(root, manifest.tailwind.sources.map(shippedCss));
  if (taken.length)
    return {
      diagnostics: taken.map((f) => error('LYCHD600', path.join(root, f), START, CSS_TAKEN.message, { hint: CSS_TAKEN.fix })),
    };
  const mapped = mapSystemPackages(root, manifest, forge.nix.packages, debianLockedVersions(root, manifest));
  if ('diagnostics' in mapped) return mapped;
  return {
    model: {
      inputs: FLAKE_INPUTS.map((i) => ({ name: i.name, url: `github:${i.owner}/${i.repo}/${i.rev}`, follows: i.follows })),
      systems: FLAKE_SYSTEMS,
      python: `python${forge.python.replace('.', '')}`,
      pythonDir: path.posix.dirname(PYTHON_FILES.lock),
      manifestFile: MANIFEST_FILE,
      nodeDir: path.posix.dirname(NODE_FILES.lock),
      node: manifest.node.packages.length > 0,
      tailwind: manifest.tailwind.sources.length
        ? {
            config: manifest.tailwind.config,
            configDir: path.posix.dirname(manifest.tailwind.config),
            cli: TAILWIND_CLI,
            css: manifest.tailwind.sources.map((s) => ({ dir: path.posix.dirname(s), file: shippedCss(s) })),
          }
        : false,
      sources: manifest.components.map((c) => ({ dest: c.path, path: c.path })),
      systemPackages: mapped.packages,
      uid: VESSEL_USER.uid,
      port: scroll.prime.vessel.port,
    },
  };
}

/**
 * Each Debian package of the manifest as a nixpkgs attribute: the Prime Scroll's
 * `[forge.nix.packages]` first, then the Forge's table. Every unmapped name is reported at once,
 * at the extension's `system-dependencies` entry that asked for it.
 */
export function mapSystemPackages(
  workspaceRoot: string,
  manifest: SynthesisManifest,
  overrides: Record<string, string>,
  locked: { versions: Map<string, string> } | { diagnostics: LocatedDiagnostic[] } = { versions: new Map() },
): { packages: FlakeModel['systemPackages'] } | { diagnostics: LocatedDiagnostic[] } {
  const byAttr = new Map<string, string[]>();
  const diagnostics: LocatedDiagnostic[] = 'diagnostics' in locked ? [...locked.diagnostics] : [];
  const versions = 'versions' in locked ? locked.versions : new Map<string, string>();
  for (const pkg of manifest.system) {
    const attr = (Object.hasOwn(overrides, pkg.name) ? overrides[pkg.name] : undefined) ?? DEBIAN_TO_NIXPKGS.get(pkg.name);
    if (attr) {
      byAttr.set(attr, [...(byAttr.get(attr) ?? []), pkg.name]);
      continue;
    }
    for (const ext of pkg.requestedBy) {
      const component = manifest.components.find((c) => c.name === ext);
      const file = path.join(workspaceRoot, component?.path ?? '', 'pyproject.toml');
      diagnostics.push(
        error(
          'LYCHD602',
          file,
          locateDependency(file, pkg.name),
          `extension ${ext} needs the Debian package "${pkg.name}", which has no nixpkgs equivalent in the Forge's table`,
          {
            field: 'tool.lychd.system-dependencies',
            hint: `map it in the Prime Scroll: [forge.nix.packages] "${pkg.name}" = "<nixpkgs attribute>" (search.nixos.org/packages finds it)`,
          },
        ),
      );
    }
  }
  if (diagnostics.length) return { diagnostics };
  const packages = [...byAttr.entries()]
    .map(([attr, debian]) => ({
      attr,
      debian: debian.sort(),
      locked: debian.flatMap((d) => (versions.has(d) ? [`${d}=${versions.get(d)!}`] : [])),
    }))
    .sort((a, b) => (a.attr < b.attr ? -1 : a.attr > b.attr ? 1 : 0));
  return { packages };
}

/**
 * The Debian lock, when the workspace has one, read as the Sovereign path can use it: the version
 * it locks for each requested package, written beside the nixpkgs attribute that stands in for it
 * (Nix resolves the dependencies itself). A lock of other packages than the manifest's is refused
 * with the re-lock command, as on the Mundane path.
 */
export function debianLockedVersions(
  workspaceRoot: string,
  manifest: SynthesisManifest,
): { versions: Map<string, string> } | { diagnostics: LocatedDiagnostic[] } {
  const file = path.join(workspaceRoot, DEBIAN_LOCK_FILE);
  const hint = `re-lock: \`${RELOCK_COMMAND}\`, review ${DEBIAN_LOCK_FILE} and commit it (or delete it: the Sovereign path builds without one)`;
  let lock: DebianLock | undefined;
  try {
    lock = readDebianLock(workspaceRoot);
  } catch (e) {
    if (e instanceof ForgeError) return { diagnostics: e.diagnostics.map((d) => ({ ...START, ...d, file: d.file ?? file })) };
    throw e;
  }
  if (!lock) return { versions: new Map() };
  const requested = requestedSpecs(manifest);
  if (canonicalJson(lock.requested) !== canonicalJson(requested))
    return {
      diagnostics: [
        error(
          'LYCHD304',
          file,
          START,
          `locks ${JSON.stringify(lock.requested)} but the Synthesis Manifest asks for ${JSON.stringify(requested)}`,
          {
            field: 'requested',
            hint,
          },
        ),
      ],
    };
  // Its reader checked every version: each is a Debian version, safe in a comment of flake.nix.
  return { versions: new Map(lock.packages.filter((p) => manifest.system.some((s) => s.name === p.name)).map((p) => [p.name, p.version])) };
}

/** Where an extension's pyproject lists a Debian package, or the file's start. */
function locateDependency(file: string, name: string) {
  if (!fs.existsSync(file)) return START;
  const parsed = parseTomlSource(file, fs.readFileSync(file, 'utf8'));
  if (!('source' in parsed)) return START;
  const lychd = (parsed.source.value['tool'] as { lychd?: { 'system-dependencies'?: unknown } } | undefined)?.lychd;
  const list = Array.isArray(lychd?.['system-dependencies']) ? (lychd['system-dependencies'] as unknown[]) : [];
  const index = list.findIndex((s) => typeof s === 'string' && parseDebianSpec(s)?.name === name);
  return parsed.source.locate(['tool', 'lychd', 'system-dependencies', ...(index >= 0 ? [index] : [])]);
}
