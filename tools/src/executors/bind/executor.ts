import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { performBind, performCheck } from '../../binding/rite';
import { codexFromFacts, type CodexFacts } from '../../nx/facts';
import type { ExecutorResult } from '../report';

export interface BindExecutorOptions {
  generationDir: string;
  /** The secrets facts written by `codex:context`. */
  facts: string;
  keep?: number;
  check?: boolean;
}

/**
 * `quadlets:bind`: installs the assembled generation atomically; `quadlets:bind-check` reports drift.
 * The Binding Site comes from LYCHD_BINDING_SITE or the XDG default only, as for the runtime input
 * that decides whether the bind is a cache hit (src/binding/state.ts).
 */
export default async function bindExecutor(options: BindExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  const rite = { generationDir: path.join(context.root, options.generationDir), keep: options.keep, workspaceRoot: context.root };
  try {
    if (options.check) {
      const result = performCheck(rite);
      if (result.inSync) console.log(`The Binding Site ${result.bindingSite} holds exactly the rendered generation.`);
      else console.error(`The Binding Site ${result.bindingSite} differs from the rendered generation:\n${result.diff}`);
      return { success: result.inSync };
    }
    const facts = JSON.parse(fs.readFileSync(path.join(context.root, options.facts), 'utf8')) as CodexFacts;
    const result = await performBind(codexFromFacts(facts, context.root), rite);
    console.log(result.message);
    return { success: true };
  } catch (e) {
    console.error((e as Error).message);
    return { success: false };
  }
}
