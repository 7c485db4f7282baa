import { formatProblem, type SynthesisProblem } from '../synthesis/problems';

/**
 * Something the Forge cannot build, said once: what is wrong and how to fix it, with every
 * located problem (`file:line: field: message / fix`) when there are several.
 */
export class ForgeError extends Error {
  override readonly name = 'ForgeError';

  constructor(
    readonly summary: string,
    readonly problems: readonly SynthesisProblem[] = [],
  ) {
    super(problems.length ? `${summary}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}` : summary);
  }
}

export type { SynthesisProblem as ForgeProblem } from '../synthesis/problems';
