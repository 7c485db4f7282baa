/**
 * Code-unit order, for every list the Forge writes or reports: unlike `localeCompare`, the same on
 * every machine and in every locale, so outputs and diagnostics come out byte-identical.
 */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
