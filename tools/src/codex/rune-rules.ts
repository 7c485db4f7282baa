import { error, warning } from './diagnostics';
import type { SoulstoneRule } from './rule';
import type { LlamacppSoulstone, SglangSoulstone } from './schemas/soulstone';
import type { TomlSource } from './toml-source';

export type LlamacppMode = 'single' | 'router';

/** A forced mode wins; `auto` is single exactly when a model file is named. */
export function llamacppMode(c: Pick<LlamacppSoulstone, 'startup_mode' | 'model_path'>): LlamacppMode {
  if (c.startup_mode !== 'auto') return c.startup_mode;
  return c.model_path !== undefined ? 'single' : 'router';
}

/** Quantization methods that have a Marlin kernel variant in SGLang. */
export const MARLIN_QUANTIZATIONS = ['awq', 'gptq'] as const;

const at = (source: TomlSource, field: string) => source.locate(field.split('.'));

const secretOrPlain: SoulstoneRule = {
  id: 'secret-or-plain',
  scope: 'soulstone',
  severity: 'error',
  codes: ['LYCHD113'],
  description: 'A variable is set in `env_vars` or in `secret_env_files`, never in both.',
  check: ({ config: c }, source) =>
    Object.keys(c.secret_env_files)
      .filter((variable) => variable in c.env_vars)
      .map((variable) =>
        error(
          'LYCHD113',
          source.file,
          at(source, `secret_env_files.${variable}`),
          `${variable} is set both in env_vars and in secret_env_files`,
          {
            field: `secret_env_files.${variable}`,
            why: 'the container would get two values for one variable, and which one wins is not defined',
            hint: `keep one: remove ${variable} from env_vars to read it from the secret, or from secret_env_files`,
          },
        ),
      ),
};

/** Without `exec` the Scribe writes the command line, around the model flag. */
const modelNamed: SoulstoneRule = {
  id: 'model-named',
  scope: 'soulstone',
  severity: 'error',
  codes: ['LYCHD110'],
  description: 'A vLLM or SGLang soulstone without `exec` names its model: `model_path` or `models`.',
  check: ({ config: c }, source) => {
    if (c.exec !== undefined || (c.runtime !== 'vllm' && c.runtime !== 'sglang') || c.model_path !== undefined || c.models.length > 0)
      return [];
    const engine = c.runtime === 'vllm' ? 'vLLM' : 'SGLang';
    return [
      error('LYCHD110', source.file, at(source, 'model_path'), `${engine} needs a model, and this rune names none`, {
        field: 'model_path',
        why: `the Scribe builds the ${engine} command line around its model flag`,
        hint: 'set model_path = "/models/<file or folder>" (or models = ["<model id>"]), or give the whole command in exec',
      }),
    ];
  },
};

const llamacppSingleHasModel: SoulstoneRule = {
  id: 'llamacpp-single-has-model',
  scope: 'soulstone',
  severity: 'error',
  codes: ['LYCHD110'],
  description:
    'A llama.cpp soulstone in single mode (`startup_mode = "single"`, or `auto` with `model_path`) without `exec` has `model_path`.',
  check: ({ config: c }, source) => {
    if (c.exec !== undefined || c.runtime !== 'llamacpp') return [];
    const l = c as LlamacppSoulstone;
    if (llamacppMode(l) !== 'single' || l.model_path !== undefined) return [];
    return [
      error(
        'LYCHD110',
        source.file,
        at(source, 'startup_mode'),
        'startup_mode = "single" loads one model file, and model_path is not set',
        {
          field: 'startup_mode',
          why: 'llama-server in single mode is started with -m <model_path>',
          hint: 'set model_path = "/models/<file>.gguf", or use startup_mode = "router" with models_dir',
        },
      ),
    ];
  },
};

const marlinNeedsQuantization: SoulstoneRule = {
  id: 'marlin-needs-quantization',
  scope: 'soulstone',
  severity: 'warning',
  codes: ['LYCHD153'],
  description: 'SGLang `enable_marlin` takes effect only with `quantization = "awq"` or `"gptq"`.',
  check: ({ config: c }, source) => {
    if (c.runtime !== 'sglang') return [];
    const s = c as SglangSoulstone;
    if (!s.enable_marlin || (MARLIN_QUANTIZATIONS as readonly string[]).includes(s.quantization ?? '')) return [];
    return [
      warning('LYCHD153', source.file, at(source, 'enable_marlin'), 'enable_marlin has no effect here', {
        field: 'enable_marlin',
        why: `Marlin kernels exist only for quantization = ${MARLIN_QUANTIZATIONS.map((q) => `"${q}"`).join(' or ')}, which this rune does not set`,
        hint: 'set quantization = "awq" or "gptq" for an AWQ or GPTQ model, or remove enable_marlin',
      }),
    ];
  },
};

/**
 * A GPU soulstone in no coven is refused (docs/scribe.md, "Covens"): it shares no coven, yet a
 * coven-less soulstone conflicts with none, so nothing would keep it off a GPU another coven holds.
 * A soulstone without a GPU may stay out of every coven and run beside all of them.
 */
const gpuInCoven: SoulstoneRule = {
  id: 'gpu-in-coven',
  scope: 'soulstone',
  severity: 'error',
  codes: ['LYCHD109'],
  description: 'A soulstone with a GPU (`gpu`, on by default for vLLM, SGLang and llama.cpp) belongs to a coven: `groups` names one.',
  check: (rune, source) => {
    const c = rune.config;
    // The runtimes' default (scribe/runtimes: gpuByDefault): every engine but the generic one.
    const gpu = c.gpu ?? rune.family !== 'soulstone-generic';
    if (!gpu || c.groups.length > 0) return [];
    return [
      error(
        'LYCHD109',
        source.file,
        at(source, 'name'),
        `GPU soulstone "${c.name}" belongs to no coven, so nothing keeps it off a GPU that another coven holds`,
        {
          field: 'groups',
          hint: 'add it to a coven: groups = ["<coven>"], or set gpu = false if it needs no GPU',
        },
      ),
    ];
  },
};

/**
 * Rules over one soulstone's fields taken together: every one of them is something the Scribe
 * would otherwise refuse (or silently drop) later.
 */
export const SOULSTONE_RULES: SoulstoneRule[] = [secretOrPlain, modelNamed, llamacppSingleHasModel, marlinNeedsQuantization, gpuInCoven];
