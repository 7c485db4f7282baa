import * as fs from 'node:fs';
import type { SynthesisProblem } from './problems';
import { abs, PRIME_SCROLL } from './layout';
import { readToml, table, locate, type TomlTable } from './toml';

/** The parts of the Prime Scroll that synthesis reads: `[forge]` and `[extensions]`. */
export interface ScrollSettings {
  /** Workspace-relative folder of the core Python project. */
  core: string;
  /** Names of the active extensions; undefined means every extension found. */
  active?: string[];
  /** The raw `[forge]` and `[extensions]` tables, digested into the manifest. */
  tables: { forge?: TomlTable; extensions?: TomlTable };
}

export function readScrollSettings(workspaceRoot: string, problems: SynthesisProblem[]): ScrollSettings {
  const defaults: ScrollSettings = { core: 'core', tables: {} };
  if (!fs.existsSync(abs(workspaceRoot, PRIME_SCROLL))) return defaults;
  const scroll = readToml(workspaceRoot, PRIME_SCROLL, problems);
  if (!scroll) return defaults;
  const forge = table(scroll.data['forge']);
  const extensions = table(scroll.data['extensions']);
  const settings: ScrollSettings = { ...defaults, tables: { forge, extensions } };

  const core = forge?.['core'];
  if (core !== undefined) {
    if (typeof core === 'string' && isSafeRelative(core)) settings.core = core.replace(/\/+$/, '');
    else
      problems.push({
        file: PRIME_SCROLL,
        line: locate(scroll.text, 'forge', 'core'),
        field: 'forge.core',
        message: `must be a relative folder inside the workspace, got ${JSON.stringify(core)}`,
        fix: 'set it to the folder of the core Python project, e.g. core = "core"',
      });
  }
  const active = extensions?.['active'];
  if (active !== undefined) {
    if (Array.isArray(active) && active.every((a) => typeof a === 'string')) settings.active = active as string[];
    else
      problems.push({
        file: PRIME_SCROLL,
        line: locate(scroll.text, 'extensions', 'active'),
        field: 'extensions.active',
        message: 'must be an array of extension folder names',
        fix: 'write e.g. active = ["oracle", "scriptorium"], or remove the key to activate every extension',
      });
  }
  return settings;
}

export function isSafeRelative(p: string): boolean {
  return p.length > 0 && !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '..');
}
