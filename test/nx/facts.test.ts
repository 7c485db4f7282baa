import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aggregateFacts, AGGREGATES, codexFacts, codexFromFacts, pluginDigest } from '../../tools/src/tasks/facts';
import { writeTree } from '../support/codex-fixture';
import { renderCapabilities, renderCoreServices, renderFederatedSoulstones, renderObservability, renderPod } from '../../tools/src/scribe';
import { WORKSPACE } from '../support/codex-fixture';
import { CASES, loadCase } from '../scribe/helpers';
import { soulstones } from '../../tools/src/codex';

const RENDER = {
  pod: renderPod,
  core: renderCoreServices,
  observability: renderObservability,
  capabilities: renderCapabilities,
  federated: renderFederatedSoulstones,
};

describe('the facts each aggregate task hashes', () => {
  // An aggregate task hashes only its projection of the Codex: if the renderer read a field the
  // projection drops, a change to that field would be a stale cache hit. Same bytes prove it does not.
  describe.each(CASES)('golden case %s', (name) => {
    const codex = loadCase(name);
    const facts = JSON.parse(JSON.stringify(codexFacts(codex, WORKSPACE)));
    it.each(AGGREGATES)('%s renders the same from its projection as from the whole Codex', (part) => {
      const projected = codexFromFacts(aggregateFacts(facts, part), WORKSPACE);
      expect(RENDER[part](projected)).toEqual(RENDER[part](codex));
    });
  });

  it('projects every field the observability and capabilities renderers read (metrics port and path, model names)', () => {
    const codex = structuredClone(loadCase('example'));
    for (const r of soulstones(codex)) {
      r.config.metrics_port = r.config.port + 1000;
      r.config.metrics_path = '/custom/metrics';
      r.config.model_path ??= '/models/x.gguf';
    }
    const facts = JSON.parse(JSON.stringify(codexFacts(codex, WORKSPACE)));
    for (const part of ['observability', 'capabilities'] as const)
      expect(RENDER[part](codexFromFacts(aggregateFacts(facts, part), WORKSPACE)), part).toEqual(RENDER[part](codex));
  });

  it('gives the federated aggregate nothing to hash when no soulstone is federated, and the covens of the others when one is', () => {
    expect(aggregateFacts(codexFacts(loadCase('covens'), WORKSPACE), 'federated').runes).toEqual([]);
    const example = aggregateFacts(codexFacts(loadCase('example'), WORKSPACE), 'federated').runes;
    expect(example.find((r) => r.config.name === 'ledger')?.config).toMatchObject({ port: 8470, groups: ['scriptorium'] });
    expect(example.find((r) => r.config.name === 'eye')?.config).toEqual({ name: 'eye', groups: ['vision-ritual'] });
  });

  it('gives the pod the exposed soulstones and one stand-in for the others that need a large /dev/shm', () => {
    const pod = aggregateFacts(codexFacts(loadCase('example'), WORKSPACE), 'pod');
    expect(pod.runes.map((r) => r.config)).toEqual([
      { name: 'eye', port: 8780, expose_port: true, runtime: 'sglang' },
      { name: '', expose_port: false, runtime: 'vllm' },
    ]);
  });

  it('carries no absolute path of the workspace', () => {
    const text = JSON.stringify(codexFacts(loadCase('example'), WORKSPACE));
    expect(text).not.toContain(WORKSPACE);
  });

  it('gives the plugin one digest that changes with any of its source files', () => {
    const root = writeTree({
      'tools/src/scribe/pod.ts': 'a',
      'tools/src/nx/plugin.ts': 'b',
      'tools/bin/forge-task.js': 'c',
      'tools/package.json': '{}',
    });
    const before = pluginDigest(path.join(root, 'tools'));
    expect(pluginDigest(path.join(root, 'tools'))).toBe(before);
    fs.writeFileSync(path.join(root, 'tools/src/scribe/pod.ts'), 'a // edited');
    const edited = pluginDigest(path.join(root, 'tools'));
    expect(edited).not.toBe(before);
    fs.writeFileSync(path.join(root, 'tools/bin/forge-task.js'), 'c // edited');
    expect(pluginDigest(path.join(root, 'tools'))).not.toBe(edited);
  });
});
