import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocatedDiagnostic } from '../../codex';
import { sha256 } from '../../shared/digest';
import { unifiedDiff } from '../../shared/diff';
import { writeFiles } from '../../synthesis/fsio';
import { MANIFEST_FILE } from '../../artifacts/paths';
import { readSynthesisManifest } from '../../artifacts/synthesis-manifest';
import { FLAKE_FILE, FLAKE_LOCK, renderFlake, type FlakeOptions } from './flake';
import { FLAKE_INPUTS } from './pins';
import type { Drift } from '../../report';

export type WriteFlakeResult = { ok: true; changed: boolean } | { ok: false; diagnostics: LocatedDiagnostic[] };

/** Renders flake.nix and writes it when it differs; nothing is written on any problem. */
export function writeFlake(options: FlakeOptions): WriteFlakeResult {
  const r = renderFlake(options);
  if (!r.ok) return r;
  const target = path.join(options.workspaceRoot, FLAKE_FILE);
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  if (current === r.content) return { ok: true, changed: false };
  writeFiles(options.workspaceRoot, [{ path: FLAKE_FILE, content: r.content }]);
  return { ok: true, changed: true };
}

export type CheckFlakeResult = { ok: boolean; drift: Drift[] } | { ok: false; diagnostics: LocatedDiagnostic[] };

/**
 * `flake --check`: flake.nix is what the manifest and the Prime Scroll produce, and flake.lock
 * (when the user's Nix has written one) is the one the manifest records and locks the pinned revisions.
 */
export function checkFlake(options: FlakeOptions): CheckFlakeResult {
  const r = renderFlake(options);
  if (!r.ok) return r;
  const root = options.workspaceRoot;
  const drift: Drift[] = [];
  const flake = path.join(root, FLAKE_FILE);
  if (!fs.existsSync(flake)) drift.push({ file: FLAKE_FILE, reason: 'is missing; run `npx lychd-forge flake`' });
  else {
    const committed = fs.readFileSync(flake, 'utf8');
    if (committed !== r.content)
      drift.push({
        file: FLAKE_FILE,
        reason: `differs from what ${MANIFEST_FILE} and the Prime Scroll produce; run \`npx lychd-forge flake\``,
        diff: unifiedDiff({ label: `${FLAKE_FILE} (committed)`, text: committed }, { label: `${FLAKE_FILE} (expected)`, text: r.content }),
      });
  }
  const { manifest } = readSynthesisManifest(root);
  const lockPath = path.join(root, FLAKE_LOCK);
  const recorded = manifest.nix?.sha256;
  if (!fs.existsSync(lockPath)) {
    if (recorded)
      drift.push({
        file: MANIFEST_FILE,
        reason: `records ${FLAKE_LOCK} (${recorded}) but the file is missing; restore it, or run \`npx lychd-forge synthesize\` to drop the record`,
      });
  } else {
    const bytes = fs.readFileSync(lockPath);
    const actual = `sha256:${sha256(bytes)}`;
    if (recorded !== actual)
      drift.push({
        file: FLAKE_LOCK,
        reason: `(${actual}) is not the one ${MANIFEST_FILE} records (${recorded ?? 'none'}); run \`npx lychd-forge synthesize\` to record it`,
      });
    drift.push(...lockedRevisionProblems(bytes.toString('utf8')));
  }
  return { ok: drift.length === 0, drift };
}

/** Each pinned input's revision in flake.lock must be the one flake.nix names. */
function lockedRevisionProblems(text: string): Drift[] {
  let lock: { nodes?: Record<string, { inputs?: Record<string, unknown>; locked?: { rev?: string } }>; root?: string };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch (e) {
    return [{ file: FLAKE_LOCK, reason: `is not JSON (${(e as Error).message}); delete it and run \`nix flake lock\`` }];
  }
  const nodes = lock.nodes ?? {};
  const rootInputs = nodes[lock.root ?? 'root']?.inputs ?? {};
  const drift: Drift[] = [];
  for (const input of FLAKE_INPUTS) {
    const nodeName = rootInputs[input.name];
    const rev = typeof nodeName === 'string' ? nodes[nodeName]?.locked?.rev : undefined;
    if (rev !== input.rev)
      drift.push({
        file: FLAKE_LOCK,
        reason: `locks input ${input.name} at ${rev ?? '(nothing)'}, ${FLAKE_FILE} pins ${input.rev}; run \`nix flake lock\`, then \`npx lychd-forge synthesize\``,
      });
  }
  return drift;
}
