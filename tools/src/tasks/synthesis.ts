import { codexFoldersOf, type CodexOptions } from '../codex';
import { assembleManifest, lockNode, lockPython, synthesizeTailwind } from '../synthesis';
import type { Task } from './task';
import { synthesisCheck } from '../cli/synthesize';
import type { Outcome } from '../report';

const wrote = (files: { path: string }[]) => files.map((f) => f.path).join(', ');

export type SynthesisStage = 'python' | 'node' | 'tailwind' | 'manifest' | 'check';

export interface SynthesisTaskOptions extends CodexOptions {
  stage: SynthesisStage;
  /** The Scribe's generation, digested into the Synthesis Manifest. */
  quadletsDir?: string;
}

/** One stage of synthesis per Nx task, so each is cached on exactly its own inputs. */
export const synthesisTask: Task<SynthesisTaskOptions> = async (options, workspaceRoot): Promise<Outcome> => {
  const source = { workspaceRoot, folders: codexFoldersOf(options) };
  switch (options.stage) {
    case 'python': {
      const r = await lockPython(source);
      return { ok: true, summary: `Locked Python with uv ${r.uvVersion}: ${wrote(r.files)}` };
    }
    case 'node': {
      const r = await lockNode(source);
      return {
        ok: true,
        lines: r.warnings.map((w) => `warning: ${w}`),
        summary: `Locked Node with npm ${r.npmVersion}: ${wrote(r.files)}`,
      };
    }
    case 'tailwind':
      return { ok: true, summary: `Synthesized ${wrote(synthesizeTailwind(source).files)}` };
    case 'manifest':
      return { ok: true, summary: `Wrote ${wrote((await assembleManifest({ ...source, quadletsDir: options.quadletsDir })).files)}` };
    case 'check':
      return synthesisCheck({ ...source, quadletsDir: options.quadletsDir });
  }
};
