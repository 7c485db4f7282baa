import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { codexFromFacts, type AGGREGATES, type CodexFacts } from '../../nx/facts';
import { renderCapabilities, renderCoreServices, renderObservability, renderPod, ScribeError } from '../../scribe';
import type { Codex } from '../../codex';
import { writeOutputDir } from '../output';
import type { ExecutorResult } from '../report';

const RENDER: Record<(typeof AGGREGATES)[number], (codex: Codex) => Map<string, string>> = {
  pod: renderPod,
  core: renderCoreServices,
  observability: renderObservability,
  capabilities: renderCapabilities,
};

/** The pod, the core services, the observability pair or the capability manifest, each from its own facts. */
export default async function scribeAggregateExecutor(
  options: { part: (typeof AGGREGATES)[number]; facts: string; outputDir: string },
  context: ExecutorContext,
): Promise<ExecutorResult> {
  const facts = JSON.parse(fs.readFileSync(path.join(context.root, options.facts), 'utf8')) as CodexFacts;
  try {
    writeOutputDir(path.join(context.root, options.outputDir), RENDER[options.part](codexFromFacts(facts, context.root)));
  } catch (e) {
    if (!(e instanceof ScribeError)) throw e;
    console.error(e.message);
    return { success: false };
  }
  return { success: true };
}
