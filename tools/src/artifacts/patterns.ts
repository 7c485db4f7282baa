/**
 * The values the Forge's artifacts carry into templates, paths and commands, as plain patterns and
 * checks: the readers' schemas, the stages that write the values and the checks of a template's
 * data share them, without loading zod.
 */

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
/**
 * A workspace-relative path of plain parts: no `..`, no hidden or absolute part, nothing a shell
 * or a Containerfile line reads as syntax.
 */
export const PLAIN_PATH_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
export const DEBIAN_SUITE_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
/** `major.minor`, as the Prime Scroll and the base name a Python. */
export const PYTHON_VERSION_PATTERN = /^\d+\.\d+$/;
/** The seeds' RuneConfig rule for anchor parts, and a core's or an extension's name: safe as systemd unit and podman names too. */
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,48}[a-z0-9])?$/;
/** A Python project name (PEP 508). */
export const PYTHON_PROJECT_PATTERN = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
/** What an extension provides, in dotted lowercase words: `speech.transcribe`. */
export const EXTENSION_CAPABILITY_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
/** A rune family's anchor folder under `runes/`: `animator/soulstones/generic`. */
export const ANCHOR_PATTERN = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/;
/** A plain `.deb` file name: what reaches the Containerfile and the build context. */
export const DEB_FILE_PATTERN = /^[a-z0-9][a-z0-9+.-]*_[A-Za-z0-9.+~-]+_[a-z0-9-]+\.deb$/;
/** A sha256 as hex alone, as Debian's indexes give it. */
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;
/** An image's name in an OCI layout, and a Debian version with its `:` and `~` made plain. */
export const REF_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** A folder path that stays inside the workspace: relative, with forward slashes, never `..`. */
export function isSafeRelative(p: string): boolean {
  return p.length > 0 && !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '..');
}

// Debian policy §5.6.1 (package names) and §5.6.12 (versions: [epoch:]upstream[-revision]).
const DEB_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const DEB_VERSION = /^([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$/;

/** A Debian version, as a lock or a pin names it. */
export const isDebianVersion = (version: string): boolean => DEB_VERSION.test(version) && !/-$/.test(version);

/** `name` or `name=version`, as apt-get is given it; undefined for anything else. */
export function parseDebianSpec(spec: string): { name: string; version?: string } | undefined {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const version = eq < 0 ? undefined : spec.slice(eq + 1);
  if (!DEB_NAME.test(name)) return undefined;
  if (version !== undefined && !isDebianVersion(version)) return undefined;
  return { name, version };
}
