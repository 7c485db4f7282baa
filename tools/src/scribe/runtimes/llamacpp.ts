import type { LlamacppSoulstone, SoulstoneRune } from '../../codex';
import { ScribeError } from '../errors';
import { runeField } from '../source';
import { llamacppMode } from '../../codex/rune-rules';
import { opt, type RuntimeAdapter } from './adapter';

export { llamacppMode, type LlamacppMode } from '../../codex/rune-rules';

/** The Titan: the llama.cpp server image's entrypoint is `llama-server`, so only flags are given. */
export const llamacpp: RuntimeAdapter = {
  runtime: 'llamacpp',
  gpuByDefault: true,
  healthPath: '/health',
  synthesize(rune: SoulstoneRune): string[] {
    const c = rune.config as LlamacppSoulstone;
    const mode = llamacppMode(c);
    if (mode === 'single' && c.model_path === undefined) {
      throw new ScribeError(
        'LYCHD403',
        'single mode loads one model file: set model_path, or use startup_mode = "router"',
        runeField(rune, 'startup_mode'),
      );
    }
    const modelFlags =
      mode === 'single' ? ['-m', c.model_path!] : [...opt('--models-dir', c.models_dir), ...opt('--models-preset', c.models_preset)];
    return [
      '--port',
      String(c.port),
      '--host',
      '0.0.0.0',
      ...modelFlags,
      ...opt('--n-gpu-layers', c.n_gpu_layers),
      ...opt('--n-cpu-moe', c.n_cpu_moe),
      ...opt('--ctx-size', c.ctx_size),
      ...opt('--parallel', c.parallel),
      // The Harvester scrapes /metrics, which llama-server serves only on request.
      '--metrics',
    ];
  },
};
