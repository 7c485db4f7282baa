/**
 * Writing values into Nix source. Every string that reaches flake.nix passes through here, so
 * no value from the Codex or an extension can become Nix syntax (or an antiquotation `${…}`).
 */
export function nixString(value: string): string {
  const body = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\$\{/g, '\\${')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${body}"`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
// Identifiers that are Nix keywords must be quoted to be used as attribute names.
const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

/** An attribute name: bare when it is a plain identifier, quoted otherwise. */
export function nixAttrName(name: string): string {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : nixString(name);
}

/** `a.b.c` → the selection `a.b.c` (segments quoted when needed). */
export function nixAttrPath(dotted: string): string {
  return dotted.split('.').map(nixAttrName).join('.');
}
