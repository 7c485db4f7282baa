import * as fs from 'node:fs';
import * as path from 'node:path';

/** This package's name: its entry in nx.json's `plugins`. */
export const PLUGIN_NAME = '@lychd/forge';

/** The workspace's nx.json, parsed; undefined when there is none or it cannot be read (Nx itself reports that). */
export function readNxJson(workspaceRoot: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'nx.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The options of nx.json's entry for this plugin, unchecked; undefined without one. */
export function pluginOptionsOfNxJson(nxJson: unknown): Record<string, unknown> | undefined {
  const plugins = (nxJson as { plugins?: unknown } | undefined)?.plugins;
  const entry = (Array.isArray(plugins) ? plugins : []).find(
    (p) => typeof p === 'object' && p !== null && (p as { plugin?: unknown }).plugin === PLUGIN_NAME,
  ) as { options?: Record<string, unknown> } | undefined;
  return entry?.options;
}
