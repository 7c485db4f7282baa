import type { SoulstoneRune } from '../../codex';
import type { RuntimeAdapter } from './adapter';
import { generic } from './generic';
import { llamacpp } from './llamacpp';
import { sglang } from './sglang';
import { vllm } from './vllm';

export type { RuntimeAdapter } from './adapter';
export { llamacppMode, type LlamacppMode } from './llamacpp';

const ADAPTERS: Record<string, RuntimeAdapter> = { vllm, sglang, llamacpp };

/** Free-form runtimes of the generic family share the generic adapter. */
export function adapterFor(rune: SoulstoneRune): RuntimeAdapter {
  return rune.family === 'soulstone-generic' ? generic : (ADAPTERS[rune.config.runtime] ?? generic);
}

/**
 * The container command, by the seed's precedence: `exec` replaces synthesis
 * entirely; otherwise the adapter builds it (llama.cpp picks its mode);
 * `extra_args` always come last, after `exec` too, so they can override.
 * `undefined` means no `Exec=` at all: the image's default command runs.
 */
export function containerCommand(rune: SoulstoneRune): string[] | undefined {
  const c = rune.config;
  const base = c.exec ?? adapterFor(rune).synthesize(rune);
  const all = [...base, ...c.extra_args];
  return all.length > 0 ? all : undefined;
}

/** CDI devices the soulstone asks for; none when it runs without a GPU. */
export function gpuDevices(rune: SoulstoneRune): string[] {
  const wantsGpu = rune.config.gpu ?? adapterFor(rune).gpuByDefault;
  return wantsGpu ? [...(rune.config.devices ?? ['nvidia.com/gpu=all'])] : [];
}

/**
 * The health check run inside the soulstone's image: the rune's own command, else `curl` on its
 * health path (the rune's, else the engine's `/health`). The vLLM, SGLang and llama.cpp server
 * images ship curl but not always python3 (llama.cpp's has none), so curl is the one tool assumed.
 * `undefined`: no check (`health_check = false`, or a generic soulstone that names none).
 */
export function healthCommand(rune: SoulstoneRune): string | undefined {
  const c = rune.config;
  if (!c.health_check) return undefined;
  if (c.health_cmd !== undefined) return c.health_cmd;
  const path = c.health_path ?? adapterFor(rune).healthPath;
  return path === undefined ? undefined : `curl -fsS -o /dev/null http://127.0.0.1:${c.port}${path}`;
}
