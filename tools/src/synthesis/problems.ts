/** One thing wrong with the synthesis inputs, located as precisely as we can. */
export interface SynthesisProblem {
  /** Workspace-relative path of the file at fault. */
  file: string;
  /** 1-based line, when the problem can be pinned to one. */
  line?: number;
  /** The field (dotted TOML/JSON path) at fault. */
  field: string;
  message: string;
  fix: string;
}

export function formatProblem(p: SynthesisProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  const body = p.message.includes('\n') ? `\n    ${p.message.split('\n').join('\n    ')}` : ` ${p.message}`;
  return `${where}: ${p.field}:${body}\n    fix: ${p.fix}`;
}

/** Carries every problem found, so one run reports all of them at once. */
export class SynthesisError extends Error {
  readonly problems: SynthesisProblem[];

  constructor(problems: SynthesisProblem[]) {
    const sorted = [...problems].sort(compareProblems);
    super(
      `synthesis failed with ${sorted.length} problem${sorted.length === 1 ? '' : 's'}:\n` +
        sorted.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'SynthesisError';
    this.problems = sorted;
  }
}

function compareProblems(a: SynthesisProblem, b: SynthesisProblem): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.field.localeCompare(b.field);
}

/** Throws when anything was collected; stages call this before touching the disk. */
export function throwIfAny(problems: SynthesisProblem[]): void {
  if (problems.length > 0) throw new SynthesisError(problems);
}
