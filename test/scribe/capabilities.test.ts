import { describe, expect, it } from 'vitest';
import { soulstones } from '../../tools/src/codex';
import { renderCapabilities } from '../../tools/src/scribe';
import { loadCase } from './helpers';

type Entry = { name: string; served_model_name: string | null; model_path: string | null };

function entries(name: string, edit?: (codex: ReturnType<typeof loadCase>) => void): Map<string, Entry> {
  const codex = structuredClone(loadCase(name));
  edit?.(codex);
  const { runes } = JSON.parse(renderCapabilities(codex).get('capabilities.json')!) as { runes: Entry[] };
  return new Map(runes.map((r) => [r.name, r]));
}
const pick = (e: Entry | undefined) => [e?.served_model_name, e?.model_path];

describe('capabilities.json names the model a client must ask each soulstone for, and its path', () => {
  const runtimes = entries('runtimes');

  it('served_model_name when the rune sets it', () => {
    expect(pick(runtimes.get('kinetic'))).toEqual(['llama-70b', '/models/llama-70b-awq']);
    expect(pick(runtimes.get('weaver'))).toEqual(['qwen', '/models/qwen-gptq']);
  });

  it('else vLLM and SGLang answer to the model they load, llama.cpp to the file name; null when nothing says', () => {
    const bare = entries('runtimes', (c) => {
      for (const r of soulstones(c)) delete (r.config as { served_model_name?: string }).served_model_name;
    });
    expect(pick(bare.get('kinetic'))).toEqual(['/models/llama-70b-awq', '/models/llama-70b-awq']);
    expect(pick(bare.get('weaver'))).toEqual(['/models/qwen-gptq', '/models/qwen-gptq']);
    expect(pick(runtimes.get('single'))).toEqual(['one.gguf', '/models/one.gguf']);
    expect(pick(runtimes.get('router'))).toEqual([null, null]);
    expect(pick(runtimes.get('plain'))).toEqual([null, null]);
  });

  it('a llama.cpp router names the first of its models; portals have neither', () => {
    const example = entries('example');
    expect(pick(example.get('titan'))).toEqual(['deepseek-v3-q4_k_m', null]);
    const portal = [...example.values()].find((e) => (e as Entry & { kind: string }).kind === 'portal');
    expect(pick(portal)).toEqual([null, null]);
  });
});
