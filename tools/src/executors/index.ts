import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { CodexOptions } from '../codex';
import { runBind } from '../cli/bind';
import type { CommonPaths } from '../cli/paths';
import { workspaceCodexFolders } from '../nx/plugin-layout';
import { runScribe } from '../cli/render';
import { runSynthesize } from '../cli/synthesize';
import { runValidate } from '../cli/validate';
import { printOutcome, progressTo, stdio, type Outcome } from '../report';

/**
 * Executors for targets written by hand in a project.json (`"executor": "@lychd/forge:bind"`).
 * Each runs what the command line of the same name runs; paths are relative to the workspace root.
 * The inferred targets do not use them: they run the finer-grained, cached Forge tasks.
 */
type Result = Promise<{ success: boolean }>;

function paths(options: CodexOptions, context: ExecutorContext): CommonPaths {
  const own = workspaceCodexFolders(context.root);
  return {
    workspaceRoot: context.root,
    codexDir: path.resolve(context.root, options.codexDir ?? own.codexDir),
    extensionsDir: path.resolve(context.root, options.extensionsDir ?? own.extensionsDir),
  };
}

const printed = async (outcome: Outcome | Promise<Outcome>) => ({ success: printOutcome(await outcome) === 0 });
const progress = progressTo(stdio());

export const validateExecutor = (options: CodexOptions, context: ExecutorContext): Result => printed(runValidate(paths(options, context)));

export const scribeExecutor = (options: CodexOptions & { outputDir?: string }, context: ExecutorContext): Result =>
  printed(runScribe(paths(options, context), options.outputDir && path.resolve(context.root, options.outputDir)));

export const bindExecutor = (
  options: CodexOptions & { bindingSite?: string; keep?: number; check?: boolean },
  context: ExecutorContext,
): Result =>
  printed(
    runBind(
      paths(options, context),
      {
        bindingSite: options.bindingSite && path.resolve(context.root, options.bindingSite),
        keep: options.keep,
        check: options.check === true,
        rollback: false,
      },
      progress,
    ),
  );

export const synthesizeExecutor = (options: { check?: boolean }, context: ExecutorContext): Result =>
  printed(runSynthesize(paths({}, context), options.check === true, progress));
