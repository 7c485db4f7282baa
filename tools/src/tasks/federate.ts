import * as path from 'node:path';
import { layoutOf, type CodexLayout } from '../codex/layout';
import { readScrollSettings } from '../codex/prime-scroll';
import { REGISTRY_FILE } from '../codex/registry';
import { federate as runFederation } from '../federation';
import { federationState, writeFederationSources } from '../federation/sources';
import type { Task } from './task';

/** `forge:federate`: runs the extensions' register hooks and writes what they registered, and from which sources. */
export const federate: Task<Partial<CodexLayout>> = (options, workspaceRoot) => {
  const layout = layoutOf(options);
  const core = readScrollSettings(path.join(workspaceRoot, layout.codexDir)).settings?.core ?? 'core';
  const before = federationState(workspaceRoot, layout, core);
  if (before.state === 'stale') console.log(`${REGISTRY_FILE} was written from other hook sources: ${before.changed.join(', ')}`);
  const { registry } = runFederation({ workspaceRoot, layout });
  writeFederationSources(workspaceRoot, layout, core);
  const count = Object.values(registry.extensions).reduce(
    (n, r) => n + r.systemDependencies.length + r.capabilities.length + r.runes.length + r.anchors.length,
    0,
  );
  console.log(`Ran ${Object.keys(registry.extensions).length} register hook(s): ${count} registration(s) in ${REGISTRY_FILE}.`);
  return true;
};
