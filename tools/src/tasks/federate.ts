import * as path from 'node:path';
import { codexFoldersOf, type CodexOptions } from '../codex/folders';
import { readScrollSettings } from '../codex/prime-scroll';
import { REGISTRY_FILE } from '../codex/registry';
import { federate, federationState, writeFederationSources } from '../federation';
import type { Task } from './task';

/** `forge:federate`: runs the extensions' register hooks and writes what they registered, and from which sources. */
export const federateTask: Task<CodexOptions> = (options, workspaceRoot) => {
  const folders = codexFoldersOf(options);
  const core = readScrollSettings(path.join(workspaceRoot, folders.codexDir)).settings?.core ?? 'core';
  const before = federationState(workspaceRoot, folders, core);
  const stale = before.state === 'stale' ? [`${REGISTRY_FILE} was written from other hook sources: ${before.changed.join(', ')}`] : [];
  const { registry } = federate({ workspaceRoot, folders });
  writeFederationSources(workspaceRoot, folders, core);
  const count = Object.values(registry.extensions).reduce(
    (n, r) => n + r.systemDependencies.length + r.capabilities.length + r.runes.length + r.anchors.length,
    0,
  );
  return {
    ok: true,
    lines: stale,
    summary: `Ran ${Object.keys(registry.extensions).length} register hook(s): ${count} registration(s) in ${REGISTRY_FILE}.`,
  };
};
