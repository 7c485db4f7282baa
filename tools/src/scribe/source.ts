import type { SoulstoneRune, Rune } from '../codex';
import type { ValueSource } from './errors';

/** Points an error at a field of a rune file. */
export const runeField = (rune: Rune | SoulstoneRune, field: string): ValueSource => ({ file: rune.origin.file, field });

/** Points an error at a field of the Prime Scroll. */
export const primeField = (field: string): ValueSource => ({ file: 'lychd.toml', field });
