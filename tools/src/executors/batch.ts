import type { ExecutorContext, TaskGraph } from '@nx/devkit';

export type TaskCore<O> = (options: O, root: string, log: (line: string) => void) => boolean | Promise<boolean>;

export type BatchResults = Record<string, { success: boolean; terminalOutput: string }>;

/** The executor form of a task's core: its messages go to stderr, as Nx shows them. */
export function executorOf<O>(core: TaskCore<O>) {
  return async (options: O, context: ExecutorContext) => ({ success: await core(options, context.root, (l) => console.error(l)) });
}

/**
 * Nx batch mode (`--batch`): every task of the run for this executor in one process, so a
 * thousand runes cost one start-up instead of a thousand.
 */
export function batchOf<O>(core: TaskCore<O>) {
  return async (_taskGraph: TaskGraph, inputs: Record<string, O>, _overrides: unknown, context: ExecutorContext): Promise<BatchResults> => {
    const results: BatchResults = {};
    for (const [task, options] of Object.entries(inputs)) {
      const lines: string[] = [];
      const success = await core(options, context.root, (l) => lines.push(l));
      results[task] = { success, terminalOutput: lines.join('\n') };
    }
    return results;
  };
}
