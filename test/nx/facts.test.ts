import { describe, expect, it } from 'vitest';
import { AGGREGATE_FIELDS, AGGREGATES, codexFacts, codexFromFacts, projectFacts } from '../../tools/src/nx/facts';
import { renderCapabilities, renderCoreServices, renderObservability, renderPod } from '../../tools/src/scribe';
import { WORKSPACE } from '../support/codex-fixture';
import { CASES, loadCase } from '../scribe/helpers';

const RENDER = { pod: renderPod, core: renderCoreServices, observability: renderObservability, capabilities: renderCapabilities };

describe('the facts each aggregate task hashes', () => {
  // An aggregate task hashes only its projection of the Codex: if the renderer read a field the
  // projection drops, a change to that field would be a stale cache hit. Same bytes prove it does not.
  describe.each(CASES)('golden case %s', (name) => {
    const codex = loadCase(name);
    const facts = JSON.parse(JSON.stringify(codexFacts(codex, WORKSPACE)));
    it.each(AGGREGATES)('%s renders the same from its projection as from the whole Codex', (part) => {
      const projected = codexFromFacts(projectFacts(facts, AGGREGATE_FIELDS[part]), WORKSPACE);
      expect(RENDER[part](projected)).toEqual(RENDER[part](codex));
    });
  });

  it('keeps a soulstone port in the pod facts only when it is exposed', () => {
    const facts = codexFacts(loadCase('example'), WORKSPACE);
    const pod = projectFacts(facts, AGGREGATE_FIELDS.pod);
    const byName = Object.fromEntries(pod.runes.map((r) => [r.config.name, r.config as Record<string, unknown>]));
    expect(byName['eye']).toMatchObject({ port: 8780, expose_port: true });
    expect(byName['titan']).not.toHaveProperty('port');
    expect(pod.runes.every((r) => r.kind === 'soulstone')).toBe(true);
  });

  it('carries no absolute path of the workspace', () => {
    const text = JSON.stringify(codexFacts(loadCase('example'), WORKSPACE));
    expect(text).not.toContain(WORKSPACE);
  });
});
