import * as path from 'node:path';
import { readCodexFacts } from './output-readers';
import { codexFromFacts } from './facts';
import type { Aggregate } from '../nx/plugin-layout';
// Each renderer by its own module, not the scribe index (which loads the toolchain too).
import { renderCapabilities } from '../scribe/capabilities';
import { renderCoreServices } from '../scribe/core';
import { renderCovenTargets } from '../scribe/coven-targets';
import { renderFederatedSoulstones } from '../scribe/federated';
import { renderObservability } from '../scribe/observability';
import { renderPod } from '../scribe/pod';
import type { Codex } from '../codex';
import { writeOutputDir } from '../shared/fsutil';
import type { Task } from './task';

const RENDER: Record<Aggregate, (codex: Codex) => Map<string, string>> = {
  pod: renderPod,
  core: renderCoreServices,
  observability: renderObservability,
  // The coven targets read what capabilities.json reads of the soulstones: their names and covens.
  capabilities: (codex) => new Map([...renderCapabilities(codex), ...renderCovenTargets(codex)]),
  federated: renderFederatedSoulstones,
};

/** The pod, the core services, the observability pair or the capability manifest and coven targets, each from its own facts. */
export const scribeAggregateTask: Task<{ part: Aggregate; facts: string; outputDir: string }> = (options, root) => {
  const facts = readCodexFacts(path.join(root, options.facts));
  writeOutputDir(path.join(root, options.outputDir), RENDER[options.part](codexFromFacts(facts, root)));
  return { ok: true };
};
