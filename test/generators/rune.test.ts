import * as path from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { loadCodex } from '../../tools/src/codex';
import runeGenerator from '../../tools/src/generators/rune/generator';
import { writeTree } from '../support/codex-fixture';

/** Writes what the generator put in the tree into a real Codex folder and validates it. */
function validateGenerated(tree: ReturnType<typeof createTreeWithEmptyWorkspace>, file: string) {
  const codexDir = writeTree({ 'lychd.toml': '', [path.relative('codex', file)]: tree.read(file, 'utf8')! });
  return loadCodex({ codexDir });
}

describe('nx g @lychd/forge:rune writes only runes that validate', () => {
  it('the README example (a vLLM rune with its model) validates and renders', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await runeGenerator(tree, {
      name: 'coder',
      family: 'vllm',
      image: 'docker.io/vllm/vllm-openai:v0.10.1',
      port: 8799,
      groups: 'deep-think',
      model: '/models/qwen-coder',
    });
    const file = 'codex/runes/animator/soulstones/vllm/coder.toml';
    expect(tree.read(file, 'utf8')).toBe(
      'name = "coder"\nimage = "docker.io/vllm/vllm-openai:v0.10.1"\nport = 8799\nmodel_path = "/models/qwen-coder"\ngroups = [ "deep-think" ]\n',
    );
    const result = validateGenerated(tree, file);
    expect(result.diagnostics).toEqual([]);
    expect(result.codex?.runes.map((r) => r.config.name)).toEqual(['coder']);
  });

  it('refuses a vLLM or SGLang rune without a model, writing nothing', async () => {
    for (const family of ['vllm', 'sglang']) {
      const tree = createTreeWithEmptyWorkspace();
      await expect(runeGenerator(tree, { name: 'coder', family, image: 'docker.io/vllm/vllm-openai:v0.10.1', port: 8799 })).rejects.toThrow(
        /the new rune would not validate, so nothing was written:\n.*coder\.toml:1:1: error\[LYCHD110\]: (vLLM|SGLang) needs a model/,
      );
      expect(tree.exists(`codex/runes/animator/soulstones/${family}/coder.toml`)).toBe(false);
    }
  });

  it("writes into the Codex folder nx.json's plugin options name", async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write(
      'nx.json',
      JSON.stringify({ plugins: [{ plugin: '@lychd/forge', options: { codexDir: 'config/codex', extensionsDir: 'plugins' } }] }),
    );
    await runeGenerator(tree, {
      name: 'titan',
      family: 'llamacpp',
      image: 'ghcr.io/ggml-org/llama.cpp:server',
      port: 8790,
      groups: 'deep-think',
    });
    expect(tree.exists('config/codex/runes/animator/soulstones/llamacpp/titan.toml')).toBe(true);
  });

  it('a llama.cpp rune without a model is a router, and validates', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await runeGenerator(tree, {
      name: 'titan',
      family: 'llamacpp',
      image: 'ghcr.io/ggml-org/llama.cpp:server',
      port: 8790,
      groups: 'deep-think',
    });
    expect(validateGenerated(tree, 'codex/runes/animator/soulstones/llamacpp/titan.toml').codex).toBeDefined();
  });

  it('refuses a GPU soulstone in no coven, as validate does, writing nothing', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(
      runeGenerator(tree, { name: 'titan', family: 'llamacpp', image: 'ghcr.io/ggml-org/llama.cpp:server', port: 8790 }),
    ).rejects.toThrow(/titan\.toml:1:\d+: error\[LYCHD109\]: GPU soulstone "titan" belongs to no coven/);
    expect(tree.exists('codex/runes/animator/soulstones/llamacpp/titan.toml')).toBe(false);
  });

  it('refuses a value validation refuses (a relative model path), naming the field', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(
      runeGenerator(tree, { name: 'coder', family: 'vllm', image: 'docker.io/vllm/vllm-openai:v0.10.1', port: 8799, model: 'models' }),
    ).rejects.toThrow(/\[model_path\]/);
  });
});
