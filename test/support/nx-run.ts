import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceCopy } from './workspace';

export interface NxRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Task ids that executed (cache misses, and tasks that are never cached). */
  ran: string[];
  /** Task ids restored from the local or remote cache. */
  cached: string[];
}

interface RunJson {
  tasks: { taskId: string; cacheStatus: 'cache-miss' | 'local-cache-hit' | 'remote-cache-hit' }[];
}

/**
 * Runs nx in a workspace copy and reports which tasks ran and which were cache hits.
 * The source is the `run.json` Nx writes into its cache directory at the end of every run
 * (`StoreRunInformationLifeCycle`): one entry per task with its cache status, independent of
 * the terminal output style. A run that started no task (e.g. `affected` with nothing affected)
 * writes no file, hence the removal first.
 */
export async function runNx(
  ws: WorkspaceCopy,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cacheDir = path.join(ws.root, '.nx-cache'),
): Promise<NxRun> {
  const summary = path.join(cacheDir, 'run.json');
  fs.rmSync(summary, { force: true });
  const r = await ws.nx(args, env);
  const tasks = fs.existsSync(summary) ? (JSON.parse(fs.readFileSync(summary, 'utf8')) as RunJson).tasks : [];
  const ids = (hit: boolean) =>
    tasks
      .filter((t) => (t.cacheStatus !== 'cache-miss') === hit)
      .map((t) => t.taskId)
      .sort();
  return { ...r, ran: ids(false), cached: ids(true) };
}
