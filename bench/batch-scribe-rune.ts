// Experiment only (`run.ts --batch-experiment` wires it into a benchmark copy's executors.json):
// a `batchImplementation` for `scribe-rune` that runs every task of a batch in one process,
// to measure what Nx batch mode would save. The plugin itself does not ship it.
import type { ExecutorContext } from '@nx/devkit';
import scribeRune, { type ScribeRuneOptions } from '../tools/src/executors/scribe-rune/executor';

export default async function scribeRuneBatch(
  _taskGraph: unknown,
  inputs: Record<string, ScribeRuneOptions>,
  _overrides: unknown,
  context: ExecutorContext,
): Promise<Record<string, { success: boolean; terminalOutput: string }>> {
  const results: Record<string, { success: boolean; terminalOutput: string }> = {};
  for (const [taskId, options] of Object.entries(inputs)) {
    const [projectName] = taskId.split(':');
    const { success } = await scribeRune(options, { ...context, projectName, targetName: 'scribe' });
    results[taskId] = { success, terminalOutput: '' };
  }
  return results;
}
