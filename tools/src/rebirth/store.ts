import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGE_SUMMARY_FILE } from '../artifacts/image-summary';
import { readGeneration, type Generation } from '../inscription/generation';
import { fsyncDir, mkdirDurable, writeFilesSynced, lstatOrUndefined } from '../shared/fsutil';
import { readSynthesisManifest } from '../artifacts/synthesis-manifest';
import { readImageSummary, shortId, type GateImageSummary } from './summary';

// A stored body is immutable: when it is damaged, the way back is staging that image again.
const STORED_BODY_HINT = 'stage the image again (`lychd-forge rebirth --image <its folder>`) to store a sound copy';

/**
 * The Gate's store, beside the Binding Site like the generation store (and for the same reason:
 * the quadlet generator would read anything inside the site as units):
 *
 *   <gate>/bodies/<short image id>-<generation id>/   image.json, synthesis.lock.json, generation/
 *   <gate>/candidate | current | previous              symlinks to bodies/<name>, switched by rename(2)
 *   <gate>/journal.json                                 present only while a switch runs (journal.ts)
 *   <gate>/lock/                                        held by the one Gate run that may change the host
 */
export function defaultGateDir(bindingSite: string): string {
  return path.join(path.dirname(bindingSite), `.lychd-rebirth-${path.basename(bindingSite)}`);
}

export type Pointer = 'candidate' | 'current' | 'previous';

export interface Body {
  name: string;
  dir: string;
  summary: GateImageSummary;
  lock: unknown;
  generation: Generation;
  generationDir: string;
}

/** Stores a body (immutable once written: a temp dir renamed into place). Returns its name. */
export async function writeBody(gate: string, imageDir: string, lockBytes: Buffer, generationDir: string): Promise<string> {
  const summary = readImageSummary(imageDir);
  const generation = readGeneration(generationDir);
  const name = `${shortId(summary.imageId)}-${generation.id}`;
  const final = path.join(gate, 'bodies', name);
  if (fs.existsSync(final)) return name;
  mkdirDurable(path.join(gate, 'bodies'));
  const tmp = path.join(gate, 'bodies', `.tmp-${name}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  const files: [string, Buffer][] = [
    [path.join(tmp, IMAGE_SUMMARY_FILE), fs.readFileSync(path.join(imageDir, IMAGE_SUMMARY_FILE))],
    [path.join(tmp, 'synthesis.lock.json'), lockBytes],
    ...[...generation.files].map(([rel, bytes]): [string, Buffer] => [path.join(tmp, 'generation', rel), bytes]),
  ];
  for (const dir of new Set(files.map(([f]) => path.dirname(f)))) fs.mkdirSync(dir, { recursive: true });
  await writeFilesSynced(files);
  for (const dir of new Set(files.map(([f]) => path.dirname(f)))) fsyncDir(dir);
  fs.renameSync(tmp, final);
  fsyncDir(path.join(gate, 'bodies'));
  return name;
}

export function readBody(gate: string, name: string): Body {
  const dir = path.join(gate, 'bodies', name);
  const generationDir = path.join(dir, 'generation');
  return {
    name,
    dir,
    summary: readImageSummary(dir, { layout: false, regenerate: STORED_BODY_HINT }),
    lock: readSynthesisManifest(dir, path.join(dir, 'synthesis.lock.json'), { regenerate: STORED_BODY_HINT }).manifest,
    generation: readGeneration(generationDir),
    generationDir,
  };
}

export function pointer(gate: string, which: Pointer): string | undefined {
  try {
    const target = fs.readlinkSync(path.join(gate, which));
    const name = path.basename(target);
    return fs.existsSync(path.join(gate, 'bodies', name)) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Points `which` at a body (or removes it) with one rename(2). */
export function setPointer(gate: string, which: Pointer, name: string | undefined): void {
  const link = path.join(gate, which);
  if (name === undefined) {
    if (lstatOrUndefined(link)) fs.rmSync(link);
  } else {
    const tmp = path.join(gate, `.next-${which}-${process.pid}`);
    fs.rmSync(tmp, { force: true });
    fs.symlinkSync(path.join('bodies', name), tmp);
    fs.renameSync(tmp, link);
  }
  fsyncDir(gate);
}
