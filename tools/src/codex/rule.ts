import type { Code, LocatedDiagnostic } from './diagnostics';
import type { Rune, SoulstoneRune } from './model';
import type { PrimeScroll } from './schemas/prime';
import type { TomlSource } from './toml-source';

export interface LocatedRune {
  rune: Rune;
  source: TomlSource;
}

export interface PrimeSource {
  prime: PrimeScroll;
  source: TomlSource;
}

/** What the loader needs to run a rule and the Codex reference to document it. */
interface RuleInfo {
  /** Stable and readable, e.g. `secret-or-plain`: the reference lists rules by it. */
  id: string;
  /** `error`: the Codex is refused. `warning`: it is valid, but a setting is dangerous or has no effect. */
  severity: 'error' | 'warning';
  /** Every code the check can report. */
  codes: readonly Code[];
  /** What the rule requires, in one sentence, as the Codex reference prints it. */
  description: string;
}

/** A rule over one soulstone's fields taken together, which a schema of single fields cannot say. */
export interface SoulstoneRule extends RuleInfo {
  scope: 'soulstone';
  check: (rune: SoulstoneRune, source: TomlSource) => LocatedDiagnostic[];
}

/** A rule over the whole Codex: the Prime Scroll and every rune, the extensions' included. */
export interface CodexRule extends RuleInfo {
  scope: 'codex';
  check: (prime: PrimeSource, runes: LocatedRune[]) => LocatedDiagnostic[];
}

export type Rule = SoulstoneRule | CodexRule;
