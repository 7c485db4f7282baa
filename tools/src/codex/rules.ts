import { CROSS_RUNE_RULES } from './cross-rune-rules';
import type { LocatedDiagnostic } from './diagnostics';
import type { Rune } from './model';
import type { LocatedRune, PrimeSource, Rule } from './rule';
import { SOULSTONE_RULES } from './rune-rules';
import type { TomlSource } from './toml-source';

/**
 * Every rule the Codex is held to beyond its schemas, in the order they run: the loader runs them,
 * the Codex reference (`lychd-forge schemas`) lists them, and test/codex/rules.test.ts shows each one fire.
 */
export const RULES: readonly Rule[] = [...SOULSTONE_RULES, ...CROSS_RUNE_RULES];

/** The rules over one rune's fields taken together (only soulstones have any). */
export function runeRules(rune: Rune, source: TomlSource): LocatedDiagnostic[] {
  if (rune.kind !== 'soulstone') return [];
  return RULES.flatMap((rule) => (rule.scope === 'soulstone' ? rule.check(rune, source) : []));
}

/** The rules that need the whole Codex, run once every rune is read. */
export function crossRuneRules(prime: PrimeSource, runes: LocatedRune[]): LocatedDiagnostic[] {
  return RULES.flatMap((rule) => (rule.scope === 'codex' ? rule.check(prime, runes) : []));
}
