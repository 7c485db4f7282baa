import type { SglangSoulstone, SoulstoneRune } from '../../codex';
import { ScribeError } from '../errors';
import { runeField } from '../source';
import { opt, type RuntimeAdapter } from './adapter';

/** Marlin kernels are selected through the quantization method itself. */
function quantization(c: SglangSoulstone): string | undefined {
  if (c.enable_marlin && c.quantization === 'awq') return 'awq_marlin';
  if (c.enable_marlin && c.quantization === 'gptq') return 'gptq_marlin';
  return c.quantization;
}

/** The Weaver: the SGLang image has no entrypoint, so the server module is named. */
export const sglang: RuntimeAdapter = {
  runtime: 'sglang',
  gpuByDefault: true,
  healthPath: '/health',
  synthesize(rune: SoulstoneRune): string[] {
    const c = rune.config as SglangSoulstone;
    const model = c.model_path ?? c.models[0];
    if (model === undefined)
      throw new ScribeError('LYCHD403', 'SGLang needs a model: set model_path (or models, or exec)', runeField(rune, 'model_path'));
    return [
      'python3',
      '-m',
      'sglang.launch_server',
      '--model-path',
      model,
      '--port',
      String(c.port),
      '--host',
      '0.0.0.0',
      ...opt('--tp-size', c.tensor_parallel_size),
      ...opt('--mem-fraction-static', c.gpu_memory_utilization),
      ...opt('--quantization', quantization(c)),
      ...opt('--max-running-requests', c.max_num_seqs),
      ...opt('--context-length', c.max_model_len),
      ...opt('--served-model-name', c.served_model_name),
      // The Harvester scrapes /metrics, which SGLang serves only on request.
      '--enable-metrics',
    ];
  },
};
