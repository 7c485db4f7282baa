import { layoutOf, type CodexLayout } from '../codex/layout';
import { assembleManifest, checkSynthesis, lockNode, lockPython, synthesizeTailwind } from '../synthesis';
import type { Task } from './task';

export type SynthesisStage = 'python' | 'node' | 'tailwind' | 'manifest' | 'check';

export interface SynthesisOptions extends Partial<CodexLayout> {
  stage: SynthesisStage;
  /** The Scribe's generation, digested into the Synthesis Manifest. */
  quadletsDir?: string;
}

/** One stage of synthesis per Nx task, so each is cached on exactly its own inputs. */
export const synthesis: Task<SynthesisOptions> = async (options, workspaceRoot) => {
  const source = { workspaceRoot, layout: layoutOf(options) };
  switch (options.stage) {
    case 'python': {
      const r = await lockPython(source);
      console.log(`Locked Python with uv ${r.uvVersion}: ${r.files.map((f) => f.path).join(', ')}`);
      break;
    }
    case 'node': {
      const r = await lockNode(source);
      for (const w of r.warnings) console.warn(`warning: ${w}`);
      console.log(`Locked Node with npm ${r.npmVersion}: ${r.files.map((f) => f.path).join(', ')}`);
      break;
    }
    case 'tailwind':
      console.log(
        `Synthesized ${synthesizeTailwind(source)
          .files.map((f) => f.path)
          .join(', ')}`,
      );
      break;
    case 'manifest': {
      const r = await assembleManifest({ ...source, quadletsDir: options.quadletsDir });
      console.log(`Wrote ${r.files.map((f) => f.path).join(', ')}`);
      break;
    }
    case 'check': {
      const r = await checkSynthesis({ ...source, quadletsDir: options.quadletsDir });
      (r.ok ? console.log : console.error)(r.report);
      return r.ok;
    }
  }
  return true;
};
