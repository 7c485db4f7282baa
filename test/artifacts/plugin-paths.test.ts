import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import { expandSingleProjectInputs } from 'nx/src/hasher/task-hasher';
import { matchGlobPaths, matchOutputPaths } from 'nx/src/native';
import { BASE_RECORD_FILE, PYTHON_FILES } from '../../tools/src/artifacts/paths';
import { createNodes } from '../../tools/src/nx/plugin';
import { soulstoneRoster } from '../../tools/src/scribe';
import { factFiles } from '../../tools/src/tasks/facts';
import { writeTree } from '../support/codex-fixture';
import { loadCase } from '../scribe/helpers';

/**
 * A target that hashes a file another task writes names it by a glob (`dependentTasksOutputFiles`):
 * one that no longer matches what the writer writes is a silent stale cache hit. Every such glob of
 * every inferred target must match a file its writer writes, inside the outputs of a task it runs
 * after. The writers' files come from the writers: the facts `codex:context` writes (tasks/facts.ts)
 * into the folder it is given, the base record `forge:base` writes (tasks/forge.ts) and the lock
 * `forge:lock-python` writes (synthesis/python.ts).
 */
const example = loadCase('example');
const WRITES: Record<string, (options: Record<string, unknown>) => string[]> = {
  'codex:context': (options) =>
    [...factFiles(example, path.dirname(example.root), soulstoneRoster(example)).keys()].map((f) => `${String(options['outputDir'])}/${f}`),
  'forge:base': () => [BASE_RECORD_FILE],
  'forge:lock-python': () => [PYTHON_FILES.lock],
};

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

async function inferred(scroll: string): Promise<ProjectConfiguration[]> {
  const files = ['codex/lychd.toml', 'codex/runes/animator/soulstones/vllm/a.toml', 'extensions/oracle/pyproject.toml'];
  const root = writeTree({ ...Object.fromEntries(files.map((f) => [f, ''])), 'codex/lychd.toml': scroll });
  roots.push(root);
  const results = (await createNodes[1](files, {}, { workspaceRoot: root, nxJsonConfiguration: {}, configFiles: files } as never)) as [
    string,
    CreateNodesResult,
  ][];
  return results.flatMap(([, r]) => Object.values(r.projects ?? {}) as ProjectConfiguration[]);
}

/** A task's options, from the one shell-quoted JSON word of its command. */
const optionsOf = (command: unknown): Record<string, unknown> =>
  typeof command === 'string' && command.endsWith("'")
    ? (JSON.parse(command.slice(command.indexOf("'") + 1, -1).replaceAll(`'\\''`, "'")) as Record<string, unknown>)
    : {};

it.each([
  ['mundane', ''],
  ['sovereign', '[forge]\nstrategy = "sovereign"\n'],
])('every glob of a file another task writes matches that file, as its writer writes it (%s)', async (_, scroll) => {
  const projects = await inferred(scroll);
  const tasks = new Map(
    projects.flatMap((p) => Object.entries(p.targets ?? {}).map(([target, config]) => [`${p.name}:${target}`, { project: p, config }])),
  );
  // The tasks it depends on directly: never through Nx's `transitive`, whose hash changes with the
  // tasks before the writer (plugin.ts, writtenBefore).
  const upstream = (id: string): string[] => {
    const { project, config } = tasks.get(id)!;
    return (config.dependsOn ?? []).flatMap((d) =>
      typeof d === 'string' ? [`${project.name}:${d}`] : (d.projects as string[]).map((p) => `${p}:${String(d.target)}`),
    );
  };
  const checked: string[] = [];
  for (const [id, { project, config }] of tasks)
    for (const input of expandSingleProjectInputs(config.inputs ?? [], project.namedInputs ?? {}) as Record<string, unknown>[]) {
      const glob = input['dependentTasksOutputFiles'];
      if (typeof glob !== 'string') continue;
      expect(input['transitive'], `${id}: ${glob} is hashed through transitive dependencies`).toBeUndefined();
      if (glob === '**/*') continue;
      const found = upstream(id).flatMap((dep) => {
        const { config: written } = tasks.get(dep)!;
        const outputs = (written.outputs ?? []).map((o) => o.replace('{workspaceRoot}/', ''));
        const writer = WRITES[dep];
        return (writer?.(optionsOf(written.options?.['command'])) ?? []).filter(
          (file) => matchGlobPaths([glob], [file])[0] && matchOutputPaths(outputs, [file])[0],
        );
      });
      expect(found, `${id}: ${glob} matches no file a task it depends on writes`).not.toEqual([]);
      checked.push(glob);
    }
  // The Codex's settings, the rune context, each aggregate part's facts, the base record and the Python lock.
  expect(new Set(checked).size).toBe(9);
});
