import * as fs from 'node:fs';
import * as path from 'node:path';
import nunjucks from 'nunjucks';
import type { SynthesisManifest } from '../synthesis';
import { IMAGE_PATTERN } from '../codex/schemas/common';
import { DEB_FILE_PATTERN, NAME_PATTERN, parseDebianSpec } from '../artifacts/patterns';
import { VESSEL_USER } from '../codex/vessel-user';
import { locate } from '../synthesis/toml';
import { imageFailure } from './errors';
import type { SynthesisProblem } from '../synthesis/problems';
import type { BaseRecord } from '../artifacts/base-record';
import { satisfiesRequiresPython } from './python';
import { DEBIAN_LOCK_FILE, RELOCK_COMMAND } from './debian-lock';
import { nxRun } from '../nx/names';
import { isComponentConfig, shippedCss, TAILWIND_CLI, tailwindcssProblem } from './tailwind-build';
import { NODE_TOOLCHAIN, TOOLCHAIN_MOUNT, TOOLCHAIN_NODE, TOOLCHAIN_NPM } from './node-toolchain';

import { CONTAINERFILE_TEMPLATE, CONTAINERFILE, MANIFEST_FILE } from '../artifacts/paths';
export { CONTAINERFILE_TEMPLATE, CONTAINERFILE, MANIFEST_FILE };

/** Everything the template sees: validated data, never raw text from an extension. */
export interface ContainerfileData {
  base: BaseRecord;
  python: string;
  /** `name` or `name=version`, sorted. */
  systemPackages: string[];
  /** The Debian lock's `.deb` files (plain file names, checked), installed from the build context without network; empty without a lock. */
  debs: string[];
  /** The synthesized uv workspace (pyproject.toml + uv.lock), relative to the workspace. */
  workspace: string;
  /** The core and the extensions, each copied to /app/<path>. */
  components: Array<{ name: string; path: string }>;
  user: { name: string; uid: number };
  port: number;
  /** The synthesized npm lock, installed in the `node` stage into /app/node_modules; absent when it locks nothing. */
  node?: {
    /** The folder of package.json and package-lock.json, relative to the workspace. */
    dir: string;
    /** The pinned Node and npm (node-toolchain.ts), mounted at `mount`. */
    toolchain: { node: string; npm: string; mount: string; nodeBin: string; npmCli: string };
  };
  /** The merged Tailwind config, built into one CSS file, shipped to `<component>/static/tailwind.css` of each component with a config. */
  tailwind?: { config: string; configDir: string; cli: string; css: string; shipTo: string[] };
  /** /app, every folder on the way to a copied tree, and the copied trees' own roots. */
  sealDirs: string[];
}

const SAFE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
const SUITE = /^[a-z][a-z0-9-]{1,31}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PYTHON_VERSION = /^3\.\d{1,3}$/;

export interface ForgeInputs {
  manifest: SynthesisManifest;
  base: BaseRecord;
  /** The Debian lock's file names, already checked against the manifest and the base (debian-lock.ts). */
  debs?: string[];
  /** `[forge] python` and `[vessel] port` of the Prime Scroll, with its text for locating them. */
  python: string;
  port: number;
  scrollText: string;
  /** The Prime Scroll's path as the diagnostics name it (workspace-relative). */
  scrollFile: string;
}

/**
 * The template's data from the Synthesis Manifest and the Prime Scroll, after checking every
 * value that reaches a RUN, COPY or FROM line and that the Pythons agree; every problem at once.
 */
export function containerfileData({ manifest, base, debs = [], python, port, scrollText, scrollFile }: ForgeInputs): ContainerfileData {
  const problems: SynthesisProblem[] = [];
  const bad = (file: string, field: string, message: string, fix: string, line?: number) =>
    problems.push({ code: 'LYCHD600', file, field, message, fix, line });
  for (const [i, pkg] of manifest.system.entries())
    if (!parseDebianSpec(pkg.spec))
      bad(
        MANIFEST_FILE,
        `system[${i}].spec`,
        `${JSON.stringify(pkg.spec)} is not a Debian package name`,
        're-run `lychd-forge synthesize`, which validates it',
      );
  // The manifest is committed: a pull request can put any text in it, and each value below lands in a line of the Containerfile.
  for (const [i, c] of manifest.components.entries()) {
    if (!NAME_PATTERN.test(c.name))
      bad(
        MANIFEST_FILE,
        `components[${i}].name`,
        `${JSON.stringify(c.name)} is not a component name (lowercase letters, digits, - and _)`,
        're-run `lychd-forge synthesize`',
      );
    if (!SAFE_PATH.test(c.path) || c.path.split('/').includes('..'))
      bad(
        MANIFEST_FILE,
        `components[${i}].path`,
        `${JSON.stringify(c.path)} is not a plain relative path`,
        're-run `lychd-forge synthesize`',
      );
  }
  for (const [i, deb] of debs.entries())
    if (!DEB_FILE_PATTERN.test(deb))
      bad(
        DEBIAN_LOCK_FILE,
        `packages[${i}].filename`,
        `${JSON.stringify(deb)} is not a plain .deb file name`,
        `re-lock: \`${RELOCK_COMMAND}\``,
      );
  const workspace = path.posix.dirname(manifest.python.lockfile);
  const node = nodeData(manifest, bad);
  const tailwind = tailwindData(manifest, bad);
  if (!SAFE_PATH.test(workspace))
    bad(
      MANIFEST_FILE,
      'python.lockfile',
      `${JSON.stringify(manifest.python.lockfile)} is not a plain relative path`,
      're-run `lychd-forge synthesize`',
    );
  if (base.kind === 'debian' ? !SUITE.test(base.ref) : !IMAGE_PATTERN.test(base.ref) || !base.ref.includes('@sha256:'))
    bad(
      scrollFile,
      'forge.base',
      `${JSON.stringify(base.ref)} is not a valid ${base.kind === 'debian' ? 'Debian suite' : 'image reference pinned by digest'}`,
      'fix [forge.base] in the Prime Scroll',
    );
  if (!DIGEST.test(base.digest))
    bad(
      scrollFile,
      'forge.base',
      `the base digest ${JSON.stringify(base.digest)} is not a sha256 digest`,
      `rebuild the base: \`${nxRun('forge', 'base')}\``,
    );

  if (!PYTHON_VERSION.test(python))
    bad(scrollFile, 'forge.python', `${JSON.stringify(python)} is not a Python version such as "3.11"`, 'fix [forge] python');
  if (base.python !== undefined && !PYTHON_VERSION.test(base.python))
    bad(
      scrollFile,
      'forge.base',
      `the base's Python ${JSON.stringify(base.python)} is not a Python version`,
      `rebuild the base: \`${nxRun('forge', 'base')}\``,
    );
  const line = locate(scrollText, 'forge', 'python');
  const disagree: string[] = [];
  if (base.python !== undefined && base.python !== python) disagree.push(`the base (${base.kind} ${base.ref}) has Python ${base.python}`);
  const requires = manifest.python.requiresPython;
  if (requires !== undefined && !satisfiesRequiresPython(python, requires))
    disagree.push(`the lock (${manifest.python.lockfile}) has requires-python "${requires}"`);
  if (disagree.length)
    bad(
      scrollFile,
      'forge.python',
      `"${python}" disagrees: ${disagree.join('; ')}`,
      base.python !== undefined && (requires === undefined || satisfiesRequiresPython(base.python, requires))
        ? `set python = "${base.python}"`
        : "choose a base whose Python satisfies the extensions' requires-python, and set forge.python to it",
      line,
    );
  if (problems.length)
    throw imageFailure(
      'LYCHD600',
      `cannot render ${CONTAINERFILE}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems,
    );
  return {
    base,
    python,
    systemPackages: manifest.system.map((p) => p.spec).sort(),
    debs,
    workspace,
    components: manifest.components.map((c) => ({ name: c.name, path: c.path })),
    user: VESSEL_USER,
    port,
    ...(node ? { node } : {}),
    ...(tailwind ? { tailwind } : {}),
    sealDirs: sealDirs([
      '.venv',
      workspace,
      ...manifest.components.map((c) => c.path),
      ...(node ? ['node_modules'] : []),
      ...(tailwind?.shipTo.map((f) => path.posix.dirname(f)) ?? []),
    ]),
  };
}

type Bad = (file: string, field: string, message: string, fix: string, line?: number) => void;

/** The node stage's data when the manifest locks Node packages. */
function nodeData(manifest: SynthesisManifest, bad: Bad): ContainerfileData['node'] {
  if (!manifest.node.packages.length) return undefined;
  const dir = path.posix.dirname(manifest.node.lockfile);
  if (!SAFE_PATH.test(dir) || path.posix.basename(manifest.node.lockfile) !== 'package-lock.json')
    bad(
      MANIFEST_FILE,
      'node.lockfile',
      `${JSON.stringify(manifest.node.lockfile)} is not a plain relative path to a package-lock.json`,
      're-run `lychd-forge synthesize`',
    );
  return {
    dir,
    toolchain: {
      node: NODE_TOOLCHAIN.node.version,
      npm: NODE_TOOLCHAIN.npm.version,
      mount: TOOLCHAIN_MOUNT,
      nodeBin: TOOLCHAIN_NODE,
      npmCli: TOOLCHAIN_NPM,
    },
  };
}

/** The Tailwind build's data when the manifest merges Tailwind configs: it needs tailwindcss 3 in the npm lock. */
function tailwindData(manifest: SynthesisManifest, bad: Bad): ContainerfileData['tailwind'] {
  const sources = manifest.tailwind.sources;
  if (!sources.length) return undefined;
  const config = manifest.tailwind.config;
  if (!SAFE_PATH.test(config))
    bad(MANIFEST_FILE, 'tailwind.config', `${JSON.stringify(config)} is not a plain relative path`, 're-run `lychd-forge synthesize`');
  const shipTo: string[] = [];
  for (const [i, source] of sources.entries()) {
    const plain = SAFE_PATH.test(source) && !source.split('/').includes('..');
    if (plain && isComponentConfig(manifest, source)) shipTo.push(shippedCss(source));
    // A component whose own path is not plain is reported once, as that.
    else if (!plain || manifest.components.every((c) => SAFE_PATH.test(c.path)))
      bad(
        MANIFEST_FILE,
        `tailwind.sources[${i}]`,
        `${JSON.stringify(source)} is not the Tailwind config of a component`,
        're-run `lychd-forge synthesize`',
      );
  }
  const missing = tailwindcssProblem(manifest);
  if (missing) bad(MANIFEST_FILE, 'node.packages', missing.message, missing.fix);
  return { config, configDir: path.posix.dirname(config), cli: TAILWIND_CLI, css: `${path.posix.dirname(config)}/tailwind.css`, shipTo };
}

function sealDirs(trees: string[]): string[] {
  const dirs = new Set<string>(['/app']);
  for (const tree of trees) {
    const parts = tree.split('/');
    for (let i = 1; i <= parts.length; i++) dirs.add(`/app/${parts.slice(0, i).join('/')}`);
  }
  return [...dirs].sort();
}

/** Renders the workspace's template with the data: the text of forge/Containerfile. */
export function renderContainerfile(workspaceRoot: string, data: ContainerfileData): string {
  const templates = path.join(workspaceRoot, path.dirname(CONTAINERFILE_TEMPLATE));
  if (!fs.existsSync(path.join(workspaceRoot, CONTAINERFILE_TEMPLATE)))
    throw imageFailure(
      'LYCHD804',
      `${CONTAINERFILE_TEMPLATE} is missing: the Forge renders the Containerfile from it (restore it from the LychD Forge's sources)`,
    );
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(templates, { noCache: true }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  let text: string;
  try {
    text = env.render(path.basename(CONTAINERFILE_TEMPLATE), data);
  } catch (e) {
    throw imageFailure('LYCHD600', `${CONTAINERFILE_TEMPLATE}: ${(e as Error).message.replace(/\s+/g, ' ').trim()}`, [], {
      hint: `correct the template (variables: ${Object.keys(data).join(', ')})`,
    });
  }
  // One blank line at most between blocks and a final LF: the same bytes whatever the template's spacing.
  return `${text
    .replace(/\r\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
