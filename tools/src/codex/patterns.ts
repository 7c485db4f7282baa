// The Codex's name rules as plain patterns, apart from the schemas (the name rule itself is
// artifacts/patterns.ts's NAME_PATTERN: the artifacts carry those names too).

/** Podman accepts more, but these characters are safe on every line of a unit file. */
export const SECRET_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/;
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An image reference: registry/path:tag or @digest, no spaces or quotes. */
export const IMAGE_PATTERN = /^[a-z0-9][a-z0-9._\-/]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const CAPABILITY_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
