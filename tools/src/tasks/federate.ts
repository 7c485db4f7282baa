import { layoutOf, type CodexLayout } from '../codex/layout';
import { REGISTRY_FILE } from '../codex/registry';
import { federate as runFederation } from '../federation';
import type { Task } from './task';

/** `forge:federate`: runs the extensions' register hooks and writes what they registered. */
export const federate: Task<Partial<CodexLayout>> = (options, workspaceRoot) => {
  const { registry } = runFederation({ workspaceRoot, layout: layoutOf(options) });
  const count = Object.values(registry.extensions).reduce(
    (n, r) => n + r.systemDependencies.length + r.capabilities.length + r.runes.length + r.anchors.length,
    0,
  );
  console.log(`Ran ${Object.keys(registry.extensions).length} register hook(s): ${count} registration(s) in ${REGISTRY_FILE}.`);
  return true;
};
