import * as fs from 'node:fs';
import * as path from 'node:path';
import { workspaceLayout, type CodexLayout } from './layout';
import { canonicalJson } from '../shared/digest';
import { readFederationRecord } from '../artifacts/federation-record';

/** Where the Forge keeps what the extensions' hooks registered, relative to the workspace root. */
import { REGISTRY_FILE } from '../artifacts/paths';
export { REGISTRY_FILE };

/** One registered item, with the extension's file (workspace-relative) and line that registered it. */
export interface Registered<T> {
  value: T;
  file: string;
  line: number;
}

export interface RegisteredRune {
  /** The anchor folder (under `runes/`) of the family that owns it, e.g. `animator/soulstones/generic`. */
  anchor: string;
  fields: Record<string, unknown>;
}

/** How the runes of an extension's family become units: as runes of a built-in family. */
export interface RendersAs {
  /** The anchor of the built-in family, e.g. `animator/soulstones/generic`. */
  family: string;
  /** The built-in family's fields every rune starts from. */
  defaults: Record<string, unknown>;
  /** Variables of the unit, each from a field of the extension's rune: variable → field. */
  env: Record<string, string>;
}

export interface RegisteredAnchor {
  /** A new anchor folder under `runes/`. */
  anchor: string;
  /** Workspace-relative path of the family's JSON Schema, shipped by the extension. */
  schema: string;
  rendersAs?: RendersAs;
}

/** A volume of the Vessel: a named volume or an absolute host folder, at an absolute path inside. */
export interface RegisteredVolume {
  source: string;
  target: string;
  readOnly: boolean;
}

/** A podman secret mounted into the Vessel; `variable` names its file for the code. */
export interface RegisteredSecret {
  name: string;
  variable?: string;
}

export interface ExtensionRegistrations {
  systemDependencies: Registered<string>[];
  capabilities: Registered<string>[];
  runes: Registered<RegisteredRune>[];
  anchors: Registered<RegisteredAnchor>[];
  /** What the Vessel's container needs (codex/vessel-needs.ts); absent in a record older than them. */
  environment?: Registered<{ name: string; value: string }>[];
  volumes?: Registered<RegisteredVolume>[];
  devices?: Registered<string>[];
  ports?: Registered<number>[];
  secrets?: Registered<RegisteredSecret>[];
}

/** Everything the active extensions registered, by extension name (sorted). */
export interface Registry {
  formatVersion: 1;
  extensions: Record<string, ExtensionRegistrations>;
}

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
 * workspace's layout, whose hooks wrote it (its paths are relative to the workspace), and a hook
 * ever ran.
 */
export function federationInput(
  workspaceRoot: string,
  extensionsDir: string | undefined,
  layout: CodexLayout = workspaceLayout(workspaceRoot),
): { workspaceRoot: string; registry: Registry } | undefined {
  if (!extensionsDir || path.resolve(extensionsDir) !== path.join(path.resolve(workspaceRoot), layout.extensionsDir)) return undefined;
  if (!fs.existsSync(path.join(workspaceRoot, REGISTRY_FILE))) return undefined;
  return { workspaceRoot: path.resolve(workspaceRoot), registry: readRegistry(workspaceRoot) };
}
