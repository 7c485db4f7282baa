import { discoverComponents } from './discovery';
import { SynthesisError, type SynthesisProblem } from './problems';
import { lockPython, mergePython, pythonConflicts, type LockOptions } from './python';
import { lockNode, mergeNode } from './node';
import { mergeTailwind, synthesizeTailwind } from './tailwind';
import { assembleManifest, type SynthesisManifest } from './manifest';
import type { GeneratedFile } from './fsio';

export interface SynthesizeOptions extends LockOptions {
  quadletsDir?: string;
  npmCache?: string;
}

/**
 * Every stage in order. All merges are validated first, so one run reports every problem in
 * every manifest before any tool runs or any file is written.
 */
export async function synthesize(options: SynthesizeOptions): Promise<{ manifest: SynthesisManifest; files: GeneratedFile[]; warnings: string[] }> {
  const components = options.components ?? discoverComponents(options.workspaceRoot).all;
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
  const python = attempt(() => mergePython(options.workspaceRoot, components));
  attempt(() => mergeNode(options.workspaceRoot, components));
  attempt(() => mergeTailwind(options.workspaceRoot, components));
  if (problems.length) {
    // uv's verdict is part of "every problem at once": resolve (writing nothing) when the Python merge itself is sound.
    if (python) problems.push(...(await pythonConflicts(python, { ...options, components })));
    throw new SynthesisError(problems);
  }
  const pythonLock = await lockPython({ ...options, components });
  const node = await lockNode({ ...options, components });
  const tailwind = synthesizeTailwind({ workspaceRoot: options.workspaceRoot, components });
  const assembled = await assembleManifest({
    workspaceRoot: options.workspaceRoot,
    quadletsDir: options.quadletsDir,
    components,
    tools: { uv: pythonLock.uvVersion, npm: node.npmVersion },
  });
  return {
    manifest: assembled.manifest,
    files: [...pythonLock.files, ...node.files, ...tailwind.files, ...assembled.files],
    warnings: node.warnings,
  };
}
