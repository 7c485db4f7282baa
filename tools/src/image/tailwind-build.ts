import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SynthesisManifest } from '../synthesis';

/**
 * What both image paths share about the Tailwind build: the merged config is built once into
 * CSS, which ships as `<component>/static/tailwind.css` in every component whose own config
 * asked for it, by the tailwindcss 3 of the npm lock (its CLI, `tailwindcss/lib/cli.js`, reads
 * the merged `tailwind.config.js`).
 */
export const SHIPPED_CSS = 'static/tailwind.css';
export const TAILWIND_CLI = 'node_modules/tailwindcss/lib/cli.js';
const TAILWIND_MAJOR = 3;

/** Where the CSS ships: one path per Tailwind source, in the folder of the config that asked for it. */
export const shippedCss = (source: string): string => `${path.posix.dirname(source)}/${SHIPPED_CSS}`;

/** Whether a merged Tailwind config is a component's own: only there does the CSS ship. */
export const isComponentConfig = (manifest: SynthesisManifest, source: string): boolean =>
  manifest.components.some((c) => c.path === path.posix.dirname(source));

/** A component's file where the built CSS would ship: both image paths refuse it before anything is built. */
export const CSS_TAKEN = {
  message: 'is where the Forge puts the CSS built from the merged Tailwind config',
  fix: 'rename or move this file: the built CSS replaces it in the image',
} as const;

/** The shipped CSS paths a component already holds a file at. */
export const takenByCss = (workspaceRoot: string, shipTo: readonly string[]): string[] =>
  shipTo.filter((f) => fs.existsSync(path.join(workspaceRoot, f)));

/** Why the manifest's npm lock cannot build its merged Tailwind config, with the fix; undefined when it can (or there is none). */
export function tailwindcssProblem(manifest: SynthesisManifest): { message: string; fix: string } | undefined {
  const sources = manifest.tailwind.sources;
  if (!sources.length) return undefined;
  const tailwindcss = manifest.node.packages.find((p) => p.path === 'node_modules/tailwindcss');
  if (tailwindcss?.version?.startsWith(`${TAILWIND_MAJOR}.`)) return undefined;
  const has = tailwindcss ? `has tailwindcss ${tailwindcss.version ?? '(no version)'}, not ${TAILWIND_MAJOR}.x` : 'has no tailwindcss';
  return {
    message: `the Tailwind configs of ${sources.join(', ')} are merged, but the npm lock ${has}: the CSS cannot be built`,
    fix: `add "tailwindcss": "^${TAILWIND_MAJOR}.4.17" to the devDependencies of ${sources
      .map((s) => `${path.posix.dirname(s)}/package.json`)
      .join(' or ')}, then run \`lychd-forge synthesize\``,
  };
}
