import { componentTreeProblems, componentsOf, type ComponentSource, type Components } from './discovery';
import { SynthesisError, type SynthesisProblem } from './problems';
import { lockPython, mergePython, pythonConflicts, type LockOptions, type MergedPython } from './python';
import { lockNode, mergeNode } from './node';
import { mergeTailwind, synthesizeTailwind } from './tailwind';
import { assembleManifest, currentInputDigests } from './manifest';
import type { SynthesisManifest } from '../artifacts/synthesis-manifest';
import type { GeneratedFile } from './fsio';

export interface SynthesizeOptions extends LockOptions {
  quadletsDir?: string;
  npmCache?: string;
}

/**
 * Every rule of the synthesis inputs that needs no tool (manifests, system dependencies, Node
 * ranges, Tailwind configs), every problem at once: what `validate` checks and what stops a
 * synthesis before any tool runs.
 */
export function checkInputs(source: ComponentSource): { problems: SynthesisProblem[]; python?: MergedPython } {
  const { workspaceRoot } = source;
  const problems: SynthesisProblem[] = [];
  const attempt = <T>(merge: () => T): T | undefined => {
    try {
      return merge();
    } catch (e) {
      if (!(e instanceof SynthesisError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const components = attempt(() => componentsOf(source));
  if (!components) return { problems };
  const all = components.all;
  // A refused file is never read: a manifest that is a link to a host file must not be parsed and echoed.
  problems.push(
    ...componentTreeProblems(
      workspaceRoot,
      all.map((c) => c.dir),
    ),
  );
  if (problems.length) return { problems };
  const python = attempt(() => mergePython(workspaceRoot, all, components.settings.forge.resolve_before));
  attempt(() => mergeNode(workspaceRoot, all));
  attempt(() => mergeTailwind(workspaceRoot, all));
  return { problems, python };
}

/**
 * Every stage in order. All merges are validated first, so one run reports every problem in
 * every manifest before any tool runs or any file is written.
 */
export async function synthesize(
  options: SynthesizeOptions,
): Promise<{ manifest: SynthesisManifest; files: GeneratedFile[]; warnings: string[] }> {
  const components: Components = componentsOf(options);
  const stages = { ...options, components };
  const { problems, python } = checkInputs(stages);
  if (problems.length) {
    // uv's verdict is part of "every problem at once": resolve (writing nothing) when the Python merge itself is sound.
    if (python) problems.push(...(await pythonConflicts(python, stages)));
    throw new SynthesisError(problems);
  }
  const lockedFrom = currentInputDigests(stages);
  const pythonLock = await lockPython(stages);
  const node = await lockNode(stages);
  const tailwind = synthesizeTailwind(stages);
  const assembled = await assembleManifest({ ...stages, lockedFrom, tools: { uv: pythonLock.uvVersion, npm: node.npmVersion } });
  return {
    manifest: assembled.manifest,
    files: [...pythonLock.files, ...node.files, ...tailwind.files, ...assembled.files],
    warnings: node.warnings,
  };
}
