import * as fs from 'node:fs';
import type { SynthesisProblem } from './problems';
import { throwIfAny } from './problems';
import { TAILWIND_DIR, TAILWIND_FILE } from '../artifacts/paths';
import { abs, relFrom } from '../shared/workspace-path';
import { componentsOf, discoverComponents, type Component, type ComponentSource } from './discovery';
import { writeFiles, type GeneratedFile } from './fsio';

const CONFIG_NAMES = ['tailwind.config.js', 'tailwind.config.cjs'];

export interface TailwindSource {
  component: Component;
  /** Workspace-relative path of the component's config. */
  file: string;
}

export function findTailwindConfigs(workspaceRoot: string, components: Component[], problems: SynthesisProblem[]): TailwindSource[] {
  const sources: TailwindSource[] = [];
  for (const component of components) {
    const present = CONFIG_NAMES.filter((n) => fs.existsSync(abs(workspaceRoot, `${component.dir}/${n}`)));
    if (present.length > 1)
      problems.push({
        code: 'LYCHD303',
        file: `${component.dir}/${present[0]}`,
        field: '(file)',
        message: `${component.dir} has both ${present.join(' and ')}`,
        fix: 'keep one tailwind config per extension',
      });
    if (present[0]) sources.push({ component, file: `${component.dir}/${present[0]}` });
  }
  return sources;
}

/**
 * One config for the whole image: every component's config is a preset (theme, plugins and
 * its own presets carry over), and `content` is the union of their content globs, rebased
 * from each component's folder. The configs are loaded when tailwind runs, not now: synthesis
 * never executes extension code.
 */
export function renderTailwindConfig(sources: TailwindSource[]): string {
  const entries = sources.map(
    (s) =>
      `  { dir: ${JSON.stringify(relFrom(TAILWIND_DIR, s.component.dir))}, config: require(${JSON.stringify(`./${relFrom(TAILWIND_DIR, s.file)}`)}) },`,
  );
  return [
    "// Synthesized by the LychD Forge from the active extensions' tailwind configs: do not edit.",
    "'use strict';",
    "const path = require('node:path');",
    '',
    'const sources = [',
    ...entries,
    '];',
    '',
    '// Content globs are relative to the extension that declares them.',
    'function rebase(dir, entry) {',
    "  if (typeof entry !== 'string') return entry;",
    "  const negated = entry.startsWith('!');",
    '  const glob = negated ? entry.slice(1) : entry;',
    "  return (negated ? '!' : '') + path.join(__dirname, dir, glob).split(path.sep).join('/');",
    '}',
    '',
    'function contentOf({ dir, config }) {',
    '  const content = config.content ?? [];',
    '  const files = Array.isArray(content) ? content : content.files ?? [];',
    '  return files.map((entry) => rebase(dir, entry));',
    '}',
    '',
    'module.exports = {',
    '  presets: sources.map(({ config }) => ({ ...config, content: [] })),',
    '  content: sources.flatMap(contentOf),',
    '};',
    '',
  ].join('\n');
}

export function mergeTailwind(workspaceRoot: string, components?: Component[]): { config: GeneratedFile; sources: TailwindSource[] } {
  const problems: SynthesisProblem[] = [];
  const sources = findTailwindConfigs(workspaceRoot, components ?? discoverComponents(workspaceRoot).all, problems);
  throwIfAny(problems);
  return { config: { path: TAILWIND_FILE, content: renderTailwindConfig(sources) }, sources };
}

/** Writes `forge/synthesis/tailwind/tailwind.config.js`. */
export function synthesizeTailwind(options: ComponentSource): { files: GeneratedFile[] } {
  const { config } = mergeTailwind(options.workspaceRoot, componentsOf(options).all);
  writeFiles(options.workspaceRoot, [config]);
  return { files: [config] };
}
