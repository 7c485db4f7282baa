import { discoverComponents } from './discovery';
import { SynthesisError } from './problems';
import { lockPython, mergePython, type LockOptions } from './python';
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
  const problems = [mergePython, mergeNode, mergeTailwind].flatMap((merge) => {
    try {
      merge(options.workspaceRoot, components);
      return [];
    } catch (e) {
      if (e instanceof SynthesisError) return e.problems;
      throw e;
    }
  });
  if (problems.length) throw new SynthesisError(problems);
  const python = await lockPython({ ...options, components });
  const node = await lockNode({ ...options, components });
  const tailwind = synthesizeTailwind({ workspaceRoot: options.workspaceRoot, components });
  const assembled = await assembleManifest({
    workspaceRoot: options.workspaceRoot,
    quadletsDir: options.quadletsDir,
    components,
    tools: { uv: python.uvVersion, npm: node.npmVersion },
  });
  return {
    manifest: assembled.manifest,
    files: [...python.files, ...node.files, ...tailwind.files, ...assembled.files],
    warnings: node.warnings,
  };
}
