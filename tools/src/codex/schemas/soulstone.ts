import { z } from 'zod';
import * as c from './common';
import { continuesLine, trimUnitSpace } from '../unit-line';

const { positiveInt, seconds } = c;

/**
 * Readiness (docs/scribe.md, "Readiness"): the unit counts as started once the check passes, and an
 * engine that stops answering is killed and restarted. The check runs inside the soulstone's image.
 */
const healthFields = {
  health_cmd: c.unitText
    .min(1, { error: 'must not be empty; set health_check = false for no check' })
    .refine((v) => v === trimUnitSpace(v), { error: 'must not start or end with spaces' })
    .refine((v) => !continuesLine(v), { error: 'must not end in a backslash: the unit line would swallow the next one' })
    // Quadlet's unit parser strips a double quote at either end, leaving the other half unpaired.
    .refine((v) => !v.startsWith('"') && !v.endsWith('"'), {
      error: "must not start or end with a double quote (podman's unit parser strips it); quote with ' instead",
    })
    .optional()
    .describe(
      'Health check run inside the container (through `/bin/sh -c`); exit 0 means healthy. Default for vLLM, SGLang and llama.cpp: `curl -fsS http://127.0.0.1:{port}/health` (their images ship curl); a generic soulstone has none unless it sets this or `health_path`.',
    ),
  health_path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, { error: 'must be a URL path such as /health (letters, digits, . _ ~ / -)' })
    .optional()
    .describe(
      "Path on the soulstone's port that answers 2xx when it is ready, checked with `curl -fsS`; default `/health` for the engines.",
    ),
  health_check: z
    .boolean()
    .default(true)
    .describe(
      'false: no health check at all; the unit counts as started as soon as its container runs, and a hung engine is not restarted.',
    ),
  start_timeout: seconds(
    1800,
    'Seconds to pull the image and load the model until the first passing health check, else the start fails (`TimeoutStartSec`).',
  ),
  health_interval: seconds(10, 'Seconds between health checks (`HealthInterval`).'),
  health_timeout: seconds(10, 'Seconds one health check may take (`HealthTimeout`).'),
  health_retries: positiveInt
    .max(100, { error: 'must be at most 100' })
    .default(3)
    .describe('Failed checks in a row, once started, before the engine is killed and restarted (`HealthRetries`).'),
};

/** Fields every soulstone has, whatever its runtime (seed 004, "The Infrastructure Mapping"). */
const soulstoneFields = {
  name: c.name,
  description: c.description.optional(),
  image: c.image,
  groups: c.groups.default([]),
  port: c.port.describe('Unique host port the runtime listens on (the Port Singularity); passed as its `--port`.'),
  expose_port: z
    .boolean()
    .default(false)
    .describe("Publish the port on the pod (bound to the Prime Scroll's publish address) so the host can reach it."),
  base_url: c.httpUrl.optional().describe('Connector endpoint; defaults to `http://localhost:{port}/v1`.'),
  exec: z
    .array(c.arg)
    .min(1, { error: 'must list at least the program or its first argument' })
    .optional()
    .describe('Explicit command line; when set, no runtime flags are synthesized.'),
  entrypoint: c.containerPath
    .optional()
    .describe("Program that replaces the image's entry point (`Entrypoint=`); `exec` and `extra_args` become its arguments."),
  extra_args: z.array(c.arg).default([]).describe("Appended after the runtime's synthesized flags, so they can override them."),
  volumes: z.array(c.volume).default([]).describe('Extra mounts, `source:/target[:options]`.'),
  env_vars: z.record(c.envName, c.unitText).default({}).describe('Extra environment variables.'),
  secret_env_files: z
    .record(c.envName, c.secretName)
    .default({})
    .describe('ENV var -> podman secret name; the secret is mounted and the variable set to `/run/secrets/<secret>`.'),
  models: z.array(c.arg).default([]).describe('Model catalogue this runtime can serve (ids or aliases).'),
  model_path: c.containerPath.optional().describe('Path of a single model artifact inside the container.'),
  capabilities: c.capabilities.default([]),
  gpu: z.boolean().optional().describe('Request the GPU through CDI. Default: true for vllm, sglang and llamacpp; false for generic.'),
  devices: z
    .array(
      z.string().regex(/^[a-z0-9.-]+\/[a-z0-9.-]+=[A-Za-z0-9_.:-]+$/, { error: 'must be a CDI device name such as nvidia.com/gpu=all' }),
    )
    .optional()
    .describe('CDI devices to request when `gpu` is on; default ["nvidia.com/gpu=all"].'),
  ...healthFields,
  metrics_port: c.port
    .optional()
    .describe("Port the Harvester scrapes for metrics; default: the soulstone's `port` (vLLM, SGLang and llama.cpp serve /metrics there)."),
  metrics_path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, { error: 'must be a URL path such as /metrics (letters, digits, . _ ~ / -)' })
    .optional()
    .describe("Path the Harvester scrapes; default Prometheus's `/metrics`."),
};

const fraction = z.number().gt(0, { error: 'must be above 0' }).lte(1, { error: 'must be at most 1' });

export const genericSoulstone = z
  .object({
    ...soulstoneFields,
    runtime: z
      .string()
      .regex(c.NAME_PATTERN, { error: 'must be a lowercase runtime name' })
      .default('generic')
      .describe('Free-form runtime family name for a service without a dedicated adapter.'),
  })
  .strict()
  .describe('A local service without a dedicated adapter: its command comes from `exec` (or the image default) plus `extra_args`.');

/** The fields vLLM and SGLang share, each described with the flag it becomes in that runtime. */
function servingFields(flags: { tp: string; memory: string; seqs: string; context: string }) {
  return {
    tensor_parallel_size: positiveInt.optional().describe(`\`${flags.tp}\`: GPUs to shard the model across.`),
    gpu_memory_utilization: fraction.optional().describe(`\`${flags.memory}\`: share of VRAM for weights and KV cache (0-1].`),
    quantization: z
      .enum(['awq', 'awq_marlin', 'gptq', 'gptq_marlin', 'fp8', 'bitsandbytes', 'gguf', 'compressed-tensors'])
      .optional()
      .describe('`--quantization`.'),
    max_num_seqs: positiveInt.optional().describe(`\`${flags.seqs}\`: concurrent sequences (1 forces serial processing).`),
    max_model_len: positiveInt.optional().describe(`\`${flags.context}\`: context length.`),
    served_model_name: c.arg.optional().describe('`--served-model-name`: the name clients ask for.'),
  };
}

export const vllmSoulstone = z
  .object({
    ...soulstoneFields,
    runtime: z.literal('vllm', { error: 'must be "vllm" in the vllm folder' }).default('vllm'),
    ...servingFields({
      tp: '--tensor-parallel-size',
      memory: '--gpu-memory-utilization',
      seqs: '--max-num-seqs',
      context: '--max-model-len',
    }),
  })
  .strict()
  .describe('The Kinetic: a vLLM OpenAI-compatible server.');

export const sglangSoulstone = z
  .object({
    ...soulstoneFields,
    runtime: z.literal('sglang', { error: 'must be "sglang" in the sglang folder' }).default('sglang'),
    ...servingFields({ tp: '--tp-size', memory: '--mem-fraction-static', seqs: '--max-running-requests', context: '--context-length' }),
    enable_marlin: z
      .boolean()
      .default(false)
      .describe('Use the Marlin kernel for AWQ/GPTQ models (`--quantization awq_marlin` / `gptq_marlin`).'),
  })
  .strict()
  .describe('The Weaver: an SGLang server (Radix Attention).');

export const llamacppSoulstone = z
  .object({
    ...soulstoneFields,
    runtime: z.literal('llamacpp', { error: 'must be "llamacpp" in the llamacpp folder' }).default('llamacpp'),
    startup_mode: z
      .enum(['auto', 'single', 'router'])
      .default('auto')
      .describe('single: `-m <model_path>`; router: `--models-dir`/`--models-preset`; auto: single when model_path is set.'),
    n_gpu_layers: z
      .number()
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be 0 or more' })
      .optional()
      .describe('`--n-gpu-layers`: layers offloaded to the GPU.'),
    n_cpu_moe: z
      .number()
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be 0 or more' })
      .optional()
      .describe('`--n-cpu-moe`: MoE expert layers kept in system RAM.'),
    models_dir: c.containerPath.optional().describe('`--models-dir` for router mode.'),
    models_preset: c.containerPath.optional().describe('`--models-preset` for router mode.'),
    ctx_size: positiveInt.optional().describe('`--ctx-size`.'),
    parallel: positiveInt.optional().describe('`--parallel`: request slots.'),
  })
  .strict()
  .describe('The Titan: a llama.cpp server, single-model or router mode.');

export type GenericSoulstone = z.infer<typeof genericSoulstone>;
export type VllmSoulstone = z.infer<typeof vllmSoulstone>;
export type SglangSoulstone = z.infer<typeof sglangSoulstone>;
export type LlamacppSoulstone = z.infer<typeof llamacppSoulstone>;
export type SoulstoneConfig = GenericSoulstone | VllmSoulstone | SglangSoulstone | LlamacppSoulstone;
