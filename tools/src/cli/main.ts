import * as path from 'node:path';
import { parseArgs, UsageError } from './args';
import { runValidate } from './validate';
import { runSchemas } from './schemas';
import { runScribe } from './render';
import { runBind } from './bind';
import { runSynthesize } from './synthesize';
import { runRebirth } from './rebirth';
import { findWorkspaceRoot } from '../toolchain';

const USAGE = `lychd-forge: turn a LychD Codex and its extensions into the artifacts the host needs.

Usage:
  lychd-forge validate   [--codex DIR] [--extensions DIR]
  lychd-forge scribe     [--codex DIR] [--extensions DIR] [--out DIR]
  lychd-forge bind       [--codex DIR] [--extensions DIR] [--binding-site DIR] [--keep N] [--check | --rollback]
  lychd-forge synthesize [--check]
  lychd-forge schemas    [--check]
  lychd-forge rebirth    [--codex DIR] [--extensions DIR] [--image DIR] [--synthesis FILE] [--binding-site DIR]
  lychd-forge rebirth    --confirm ID | --rollback   [--binding-site DIR]

Commands:
  validate     check every file of the Codex and every rule across it; print every problem
  scribe       render the Quadlet generation (default: <workspace>/quadlets/generation)
  bind         render and install the generation atomically into the Binding Site;
               --check: exit 1 and show the diff when the site differs (drift, hand edits);
               --rollback: restore the previous generation
  synthesize   merge and lock the core's and the extensions' manifests (uv, npm) and write
               forge/synthesis.lock.json; --check: exit 1 with a diff when it is not current
  rebirth      the Rebirth Gate: load the built image as localhost/lychd:candidate and keep the
               generation beside the Binding Site, show what a confirmation would change, exit 1;
               --confirm ID: apply exactly the reviewed candidate (ID as shown); --rollback:
               return to the previous body and generation
  schemas      write the JSON Schemas, .taplo.toml and docs/codex-reference.md; --check compares

Options:
  --codex DIR          the Codex folder (lychd.toml + runes/); default: <workspace>/codex
  --extensions DIR     the extensions folder; default: <workspace>/extensions
  --binding-site DIR   where Quadlets are installed; default: $LYCHD_BINDING_SITE, else
                       \${XDG_CONFIG_HOME:-~/.config}/containers/systemd
  --image DIR          forge:image's output (image.json + oci/); default: <workspace>/dist/forge/image
  --synthesis FILE     the Synthesis Manifest; default: <workspace>/forge/synthesis.lock.json
  --keep N             generations kept for rollback (default 3)
  --help               show this help
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

const stringFlag = (flags: Record<string, string | boolean>, name: string) =>
  typeof flags[name] === 'string' ? path.resolve(flags[name] as string) : undefined;

function keepFlag(flags: Record<string, string | boolean>): number | undefined {
  if (flags['keep'] === undefined) return undefined;
  const n = Number(flags['keep']);
  if (!Number.isInteger(n) || n < 2) throw new UsageError('--keep takes a whole number of at least 2 (the current and the previous generation)');
  return n;
}

/** Entry point of the command line; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, { values: ['codex', 'extensions', 'out', 'binding-site', 'keep', 'image', 'synthesis', 'confirm'], booleans: ['help', 'check', 'rollback'] });
    if (args.flags['help'] || !args.command) {
      process.stdout.write(USAGE);
      return args.command || args.flags['help'] ? 0 : 2;
    }
    if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    switch (args.command) {
      case 'validate':
        return runValidate(commonPaths(args.flags));
      case 'scribe':
        return runScribe(commonPaths(args.flags), stringFlag(args.flags, 'out'));
      case 'bind':
        return await runBind(commonPaths(args.flags), {
          bindingSite: stringFlag(args.flags, 'binding-site'),
          keep: keepFlag(args.flags),
          check: args.flags['check'] === true,
          rollback: args.flags['rollback'] === true,
        });
      case 'synthesize':
        return await runSynthesize(commonPaths(args.flags), args.flags['check'] === true);
      case 'rebirth':
        return await runRebirth(commonPaths(args.flags), {
          bindingSite: stringFlag(args.flags, 'binding-site'),
          image: stringFlag(args.flags, 'image'),
          synthesis: stringFlag(args.flags, 'synthesis'),
          confirm: typeof args.flags['confirm'] === 'string' ? (args.flags['confirm'] as string) : undefined,
          rollback: args.flags['rollback'] === true,
        });
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
