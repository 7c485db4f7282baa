/**
 * Where every artifact of the Forge lives, relative to the workspace root: the one place each path
 * is spelled. The writers, the readers and the Nx plugin's inputs and outputs all take them from
 * here, so a file that moves moves for all of them (a literal left behind in the plugin would give
 * stale cache hits). Plain strings only: the plugin loads this on every graph computation.
 */

/** The root of the `forge` project: the image's committed inputs and renders. */
export const FORGE_DIR = 'forge';
/** The root of the `quadlets` project. */
export const QUADLETS_DIR = 'quadlets';

/** The Synthesis Manifest: every input's digest, the locks' packages, the system packages. Committed. */
export const MANIFEST_FILE = `${FORGE_DIR}/synthesis.lock.json`;
/** What the extensions' register hooks declared (`lychd-forge federate`). Committed. */
export const REGISTRY_FILE = `${FORGE_DIR}/federation.json`;
/** The hook sources the registry was written from, so a clean clone knows whether it is current. Committed. */
export const FEDERATION_SOURCES_FILE = `${FORGE_DIR}/federation.sources.json`;

/** The templates the Containerfile and flake.nix are rendered from; digested into the manifest. */
export const TEMPLATES_DIR = `${FORGE_DIR}/templates`;
export const CONTAINERFILE_TEMPLATE = `${TEMPLATES_DIR}/Containerfile.njk`;
export const FLAKE_TEMPLATE = `${TEMPLATES_DIR}/flake.nix.njk`;
/** The Mundane path's rendered Containerfile. Committed. */
export const CONTAINERFILE = `${FORGE_DIR}/Containerfile`;
/** The Sovereign path's flake, rendered; and the lock the user's Nix writes beside it. Committed. */
export const FLAKE_FILE = 'flake.nix';
export const FLAKE_LOCK = 'flake.lock';

/** The synthesized workspaces the locks are made in. Committed. */
export const SYNTHESIS_DIR = `${FORGE_DIR}/synthesis`;
export const PYTHON_DIR = `${SYNTHESIS_DIR}/python`;
export const NODE_DIR = `${SYNTHESIS_DIR}/node`;
export const TAILWIND_DIR = `${SYNTHESIS_DIR}/tailwind`;
export const PYTHON_FILES = { pyproject: `${PYTHON_DIR}/pyproject.toml`, lock: `${PYTHON_DIR}/uv.lock` } as const;
export const NODE_FILES = { packageJson: `${NODE_DIR}/package.json`, lock: `${NODE_DIR}/package-lock.json` } as const;
export const TAILWIND_FILE = `${TAILWIND_DIR}/tailwind.config.js`;
/** The base's and the system layer's `.deb` files locked by digest (`lychd-forge debian-lock`); the manifest digests it. Committed. */
export const DEBIAN_LOCK_FILE = `${SYNTHESIS_DIR}/debian.lock.json`;

/** The Scribe's assembled generation of Quadlets, which `bind` installs. */
export const GENERATION_DIR = `${QUADLETS_DIR}/generation`;

/** Intermediate task outputs (gitignored). */
export const DIST_DIR = 'dist/forge';
/** The facts `codex:context` extracts for the tasks after it, one JSON file each. */
export const CONTEXT_DIR = `${DIST_DIR}/context`;
/** Its facts files beside one per aggregate part (named after the part): the rune folders', `bind`'s and the image stage's. */
export const FACTS = { runes: 'scribe-context', secrets: 'secrets', forge: 'forge' } as const;
/** A facts file's name in CONTEXT_DIR. */
export const factsFileName = (facts: string): string => `${facts}.json`;
/** The rune folders' units, one JSON file per folder. */
export const RUNE_UNITS_DIR = `${DIST_DIR}/runes`;
/** The whole-Codex parts of the generation (`pod`, `core`, …), one folder each. */
export const AGGREGATES_DIR = `${DIST_DIR}/aggregates`;
/** `forge:base`'s record of the base the image is built on. */
export const BASE_DIR = `${DIST_DIR}/base`;
export const BASE_RECORD_FILE = `${BASE_DIR}/base.json`;
/** The built image: an OCI layout and its summary, the contract the Rebirth Gate reads (docs/image.md). */
export const IMAGE_DIR = `${DIST_DIR}/image`;

/** A workspace path as Nx's inputs and outputs spell it. */
export const inWorkspace = (rel: string): string => `{workspaceRoot}/${rel}`;
