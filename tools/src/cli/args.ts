/** A tiny, strict flag parser: unknown flags are errors, so a typo never silently changes behaviour. */
export interface ParsedArgs {
  command?: string;
  flags: Record<string, string | boolean>;
  positionals: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: { values: string[]; booleans: string[] }): ParsedArgs {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.booleans.includes(rawName)) {
      if (inline !== undefined) throw new UsageError(`--${rawName} takes no value`);
      flags[rawName] = true;
    } else if (spec.values.includes(rawName)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${rawName} needs a value`);
      flags[rawName] = value;
    } else {
      throw new UsageError(`unknown option --${rawName}`);
    }
  }
  return { command: positionals.shift(), flags, positionals };
}
