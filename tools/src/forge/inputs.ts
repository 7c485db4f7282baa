import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderDiagnostic, loadPrimeScroll, PRIME_SCROLL, type PrimeScroll } from '../codex';
import { workspaceLayout } from '../codex/layout';
import type { SynthesisManifest } from '../synthesis/manifest';
import { sha256 } from '../shared/digest';
import { imageFailure } from './errors';
import { MANIFEST_FILE } from './containerfile';
import { nxRun } from '../nx/names';

/** What the image is built from, read once: the Prime Scroll's settings and the Synthesis Manifest. */
export interface ForgeSources {
  workspaceRoot: string;
  prime: PrimeScroll;
  scrollText: string;
  /** The Prime Scroll's path, relative to the workspace. */
  scrollFile: string;
  manifest: SynthesisManifest;
  /** `sha256:` of the manifest file's bytes: the image's `org.lychd.synthesis` label. */
  synthesis: string;
}

export function readForgeSources(
  workspaceRoot: string,
  codexDir = path.join(workspaceRoot, workspaceLayout(workspaceRoot).codexDir),
): ForgeSources {
  const loaded = loadPrimeScroll(codexDir);
  if (!loaded.prime)
    throw imageFailure(
      `the Prime Scroll is invalid: fix it and run again; nothing was built.\n${loaded.diagnostics.map((d) => renderDiagnostic(d, workspaceRoot)).join('\n')}`,
    );
  const manifestPath = path.join(workspaceRoot, MANIFEST_FILE);
  if (!fs.existsSync(manifestPath))
    throw imageFailure(
      `${MANIFEST_FILE} is missing: run \`lychd-forge synthesize\` (or ${nxRun('forge', 'synthesize', workspaceRoot)}) first`,
    );
  const bytes = fs.readFileSync(manifestPath);
  let manifest: SynthesisManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as SynthesisManifest;
  } catch (e) {
    throw imageFailure(`${MANIFEST_FILE} is not valid JSON (${(e as Error).message}): run \`lychd-forge synthesize\` to rewrite it`);
  }
  const scroll = path.join(codexDir, PRIME_SCROLL);
  return {
    workspaceRoot,
    prime: loaded.prime,
    scrollText: fs.readFileSync(scroll, 'utf8'),
    scrollFile: path.relative(workspaceRoot, scroll).split(path.sep).join('/'),
    manifest,
    synthesis: `sha256:${sha256(bytes)}`,
  };
}
