import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CODEX_FOLDERS, type CodexFolders } from './folders';
import { canonicalJson } from '../shared/digest';
import { readFederationRecord, type ExtensionRegistrations, type Registry } from '../artifacts/federation-record';

/** Where the Forge keeps what the extensions' hooks registered, relative to the workspace root. */
import { REGISTRY_FILE } from '../artifacts/paths';
export { REGISTRY_FILE };

export const emptyRegistrations = (): ExtensionRegistrations => ({
  systemDependencies: [],
  capabilities: [],
  runes: [],
  anchors: [],
  environment: [],
  volumes: [],
  devices: [],
  ports: [],
  secrets: [],
});

/** The registry of a workspace, or an empty one when no hook ever ran. */
export function readRegistry(workspaceRoot: string): Registry {
  return readFederationRecord(path.join(workspaceRoot, REGISTRY_FILE)) ?? { formatVersion: 1, extensions: {} };
}

/** Canonical JSON: the same registrations give the same bytes on any machine. */
export function registryText(registry: Registry): string {
  return canonicalJson(registry);
}

/**
 * The registry to validate a Codex with: the workspace's, when the extensions are the ones of the
 * workspace's Codex folders (the default ones unless given), whose hooks wrote it (its paths are relative
 * to the workspace), and a hook ever ran.
 */
export function federationInput(
  workspaceRoot: string,
  extensionsDir: string | undefined,
  folders: CodexFolders = DEFAULT_CODEX_FOLDERS,
): { workspaceRoot: string; registry: Registry } | undefined {
  if (!extensionsDir || path.resolve(extensionsDir) !== path.join(path.resolve(workspaceRoot), folders.extensionsDir)) return undefined;
  if (!fs.existsSync(path.join(workspaceRoot, REGISTRY_FILE))) return undefined;
  return { workspaceRoot: path.resolve(workspaceRoot), registry: readRegistry(workspaceRoot) };
}
