import type { Task } from './task';
import { printFailure, printOutcome, progressTo, stdio } from '../report';

/**
 * The Forge tasks the Nx plugin's targets run, by name. Each target is a command,
 * `node tools/bin/forge-task.js <name> '<options as JSON>'`, which Nx runs without forking an
 * executor process of its own; and each loads only its own modules, so a task's start-up is a
 * Node start and what the task needs.
 */
const TASKS: Record<string, () => Promise<Task<never>>> = {
  validate: async () => (await import('./validate')).validateTask,
  context: async () => (await import('./context')).contextTask,
  'scribe-runes': async () => (await import('./scribe-runes')).scribeRunesTask,
  'scribe-aggregate': async () => (await import('./scribe-aggregate')).scribeAggregateTask,
  assemble: async () => (await import('./assemble')).assembleTask,
  bind: async () => (await import('./bind')).bindTask,
  synthesis: async () => (await import('./synthesis')).synthesisTask,
  flake: async () => (await import('./flake')).flakeTask,
  federate: async () => (await import('./federate')).federateTask,
  forge: async () => (await import('./forge')).forgeTask,
};

/** The command line of tools/bin/forge-task.js: the exit code. */
export async function main(argv: string[], root = process.cwd()): Promise<number> {
  const [name, json] = argv;
  const load = name === undefined ? undefined : TASKS[name];
  // Paths in what a task prints are shown relative to the workspace, as Nx runs it there.
  const streams = stdio(root);
  if (!load || json === undefined) {
    printOutcome(
      {
        ok: false,
        summary: `usage: forge-task.js <${Object.keys(TASKS).join('|')}> '<options as JSON>' (the Nx plugin writes these commands)`,
      },
      streams,
    );
    return 2;
  }
  const task = await load();
  try {
    return printOutcome(await task(JSON.parse(json) as never, root, progressTo(streams)), streams);
  } catch (e) {
    printFailure(e, streams);
    return 1;
  }
}
