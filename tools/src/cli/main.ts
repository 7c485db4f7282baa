import * as path from 'node:path';
import { parseArgs, UsageError } from './args';
import { runValidate } from './validate';
import { runSchemas } from './schemas';
import { findWorkspaceRoot } from '../toolchain';

const USAGE = `lychd-forge: turn a LychD Codex and its extensions into the artifacts the host needs.

Usage:
  lychd-forge validate [--codex DIR] [--extensions DIR]
  lychd-forge schemas [--check]       write (or check) JSON Schemas, .taplo.toml and docs/codex-reference.md

Options:
  --codex DIR        the Codex folder (lychd.toml + runes/); default: <workspace>/codex
  --extensions DIR   the extensions folder; default: <workspace>/extensions
  --check            compare instead of writing; exit 1 when something differs
  --help             show this help
`;

export interface CommonPaths {
  workspaceRoot: string;
  codexDir: string;
  extensionsDir: string;
}

export function commonPaths(flags: Record<string, string | boolean>, cwd = process.cwd()): CommonPaths {
  const workspaceRoot = findWorkspaceRoot(cwd);
  const dir = (flag: string, fallback: string) =>
    typeof flags[flag] === 'string' ? path.resolve(cwd, flags[flag] as string) : path.join(workspaceRoot, fallback);
  return { workspaceRoot, codexDir: dir('codex', 'codex'), extensionsDir: dir('extensions', 'extensions') };
}

/** Entry point of the command line; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, { values: ['codex', 'extensions'], booleans: ['help', 'check'] });
    if (args.flags['help'] || !args.command) {
      process.stdout.write(USAGE);
      return args.command || args.flags['help'] ? 0 : 2;
    }
    if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    switch (args.command) {
      case 'validate':
        return runValidate(commonPaths(args.flags));
      case 'schemas':
        return runSchemas(commonPaths(args.flags).workspaceRoot, args.flags['check'] === true);
      default:
        throw new UsageError(`unknown command "${args.command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lychd-forge: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
