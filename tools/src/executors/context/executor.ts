import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { contextFiles } from '../../nx/facts';
import { checkStartSet, scribeContext, ScribeError } from '../../scribe';
import { writeOutputDir } from '../output';
import { loadForTask, type CodexOptions, type ExecutorResult } from '../report';

/**
 * `codex:context`: validates the whole Codex once and extracts, for each later task, exactly the
 * facts it needs; a task's hash covers its fact file, so it reruns only when those facts change.
 */
export default async function contextExecutor(options: CodexOptions & { outputDir: string }, context: ExecutorContext): Promise<ExecutorResult> {
  const codex = loadForTask(options, context);
  if (!codex) return { success: false };
  const ctx = scribeContext(codex);
  try {
    // A rule over every soulstone at once: it belongs here, where the whole Codex is read.
    checkStartSet(ctx);
  } catch (e) {
    if (!(e instanceof ScribeError)) throw e;
    console.error(e.message);
    return { success: false };
  }
  writeOutputDir(path.join(context.root, options.outputDir), contextFiles(codex, context.root, ctx));
  return { success: true };
}
