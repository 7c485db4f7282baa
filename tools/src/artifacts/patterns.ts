/**
 * The values the Forge's artifacts carry into templates, paths and commands, as plain patterns:
 * the readers' schemas and the checks of a template's data share them, without loading zod.
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
/** A Python project name (PEP 508). */
export const PYTHON_PROJECT_PATTERN = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
/** What an extension provides, in dotted lowercase words: `speech.transcribe`. */
export const EXTENSION_CAPABILITY_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
/** A rune family's anchor folder under `runes/`: `animator/soulstones/generic`. */
export const ANCHOR_PATTERN = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/;
/** An image's name in an OCI layout, and a Debian version with its `:` and `~` made plain. */
export const REF_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
