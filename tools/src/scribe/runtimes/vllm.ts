import type { SoulstoneRune, VllmSoulstone } from '../../codex';
import { ScribeError } from '../errors';
import { runeField } from '../source';
import { opt, type RuntimeAdapter } from './adapter';

/** The Kinetic: the `vllm/vllm-openai` image's entrypoint is the server, so only its flags are given. */
export const vllm: RuntimeAdapter = {
  runtime: 'vllm',
  gpuByDefault: true,
  healthPath: '/health',
  synthesize(rune: SoulstoneRune): string[] {
    const c = rune.config as VllmSoulstone;
    const model = c.model_path ?? c.models[0];
    if (model === undefined)
      throw new ScribeError('LYCHD403', 'vLLM needs a model: set model_path (or models, or exec)', runeField(rune, 'model_path'));
    return [
      '--model',
      model,
      '--port',
      String(c.port),
      '--host',
      '0.0.0.0',
      ...opt('--tensor-parallel-size', c.tensor_parallel_size),
      ...opt('--gpu-memory-utilization', c.gpu_memory_utilization),
      ...opt('--quantization', c.quantization),
      ...opt('--max-num-seqs', c.max_num_seqs),
      ...opt('--max-model-len', c.max_model_len),
      ...opt('--served-model-name', c.served_model_name),
    ];
  },
};
