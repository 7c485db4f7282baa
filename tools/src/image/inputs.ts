import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPrimeScroll, PRIME_SCROLL, type PrimeScroll } from '../codex';
import type { SynthesisManifest } from '../synthesis';
import { readSynthesisManifest } from '../artifacts/synthesis-manifest';
import { ForgeError } from '../diagnostics';

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

/** `codexDir` is absolute: the workspace's Codex, as its Codex folders (nx.json's) or `--codex` name it. */
export function readForgeSources(workspaceRoot: string, codexDir: string): ForgeSources {
  const loaded = loadPrimeScroll(codexDir);
  if (!loaded.prime) throw new ForgeError(loaded.diagnostics, 'the Prime Scroll is invalid: fix it and run again; nothing was built.');
  const { manifest, digest } = readSynthesisManifest(workspaceRoot);
  const scroll = path.join(codexDir, PRIME_SCROLL);
  return {
    workspaceRoot,
    prime: loaded.prime,
    scrollText: fs.readFileSync(scroll, 'utf8'),
    scrollFile: path.relative(workspaceRoot, scroll).split(path.sep).join('/'),
    manifest,
    synthesis: digest,
  };
}
