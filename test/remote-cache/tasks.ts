import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceCopy } from '../support/workspace';

export interface CacheableTask {
  /** `project:target`, as nx prints it. */
  id: string;
  target: string;
  projectRoot: string;
  /** Declared outputs, relative to the workspace root. */
  outputs: string[];
}

/** The tokens nx substitutes in `outputs` that these targets use; any other token fails loudly. */
function resolveOutput(pattern: string, project: { name: string; root: string }): string {
  const resolved = pattern
    .replace('{workspaceRoot}/', '')
    .replace('{workspaceRoot}', '')
    .replace('{projectRoot}', project.root)
    .replace('{projectName}', project.name);
  if (/[{}]/.test(resolved)) throw new Error(`output ${pattern} of ${project.name} uses a token this test does not resolve`);
  // A glob is compared through the folder it starts in.
  const parts = resolved.split('/');
  const firstGlob = parts.findIndex((p) => /[*?[]/.test(p));
  return (firstGlob < 0 ? parts : parts.slice(0, firstGlob)).join('/') || '.';
}

interface GraphTarget {
  cache?: boolean;
  continuous?: boolean;
  outputs?: string[];
}

/**
 * Every cacheable task of the workspace, read from nx's own project graph rather than listed by
 * hand. One `nx graph --file` gives every project's resolved targets (what `nx show project`
 * prints one project at a time) for the price of a single nx start.
 */
export async function cacheableTasks(ws: WorkspaceCopy): Promise<CacheableTask[]> {
  const file = path.join(ws.root, '.nx-data', 'remote-cache-graph.json');
  const r = await ws.nx(['graph', `--file=${file}`]);
  if (r.status !== 0) throw new Error(`nx graph failed:\n${r.stdout}\n${r.stderr}`);
  const { graph } = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    graph: { nodes: Record<string, { name: string; data: { root: string; targets?: Record<string, GraphTarget> } }> };
  };
  const tasks: CacheableTask[] = [];
  for (const node of Object.values(graph.nodes)) {
    const project = { name: node.name, root: node.data.root };
    for (const [target, config] of Object.entries(node.data.targets ?? {})) {
      if (config.cache !== true || config.continuous) continue;
      // Its hash holds this machine's Binding Site (tools/src/inscription/state.ts): nothing to share.
      if (`${project.name}:${target}` === 'quadlets:bind') continue;
      const outputs = (config.outputs ?? []).filter((o) => !o.startsWith('!')).map((o) => resolveOutput(o, project));
      tasks.push({ id: `${project.name}:${target}`, target, projectRoot: project.root, outputs });
    }
  }
  return tasks.sort((a, b) => a.id.localeCompare(b.id));
}

export type TaskStatus = 'ran' | 'remote cache' | 'local cache' | 'existing outputs match the cache, left as is';

/**
 * How nx says it got each task, from its terminal output: `✔  nx run p:t  [remote cache]` for a
 * collapsed task, `> nx run p:t` above a task whose output is shown.
 */
export function taskStatuses(stdout: string): Map<string, TaskStatus> {
  const statuses = new Map<string, TaskStatus>();
  for (const line of plain(stdout).split('\n')) {
    const m = /^(?:✔|✖|>)\s+nx run (\S+)(?:\s+\[([^\]]+)\])?\s*$/.exec(line.trim());
    if (m?.[1]) statuses.set(m[1], (m[2] as TaskStatus | undefined) ?? 'ran');
  }
  return statuses;
}

/** The run summary's `Cache: <hits>/<tasks> hit` line; null when nx printed none. */
export function cacheSummary(stdout: string): { hits: number; tasks: number } | null {
  const m = /Cache:\s+(\d+)\/(\d+) hit/.exec(plain(stdout));
  return m ? { hits: Number(m[1]), tasks: Number(m[2]) } : null;
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
