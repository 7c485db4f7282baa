import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { soulstones, type Codex } from '../codex/model';
import { renderCapabilities } from './capabilities';
import { scribeContext } from './context';
import { checkStartSet } from './covens';
import { renderCoreServices } from './core';
import { ScribeError } from './errors';
import { byCodePoint, serviceForFile } from './names';
import { renderObservability } from './observability';
import { renderPod } from './pod';
import { renderSoulstone } from './soulstone';

/** Every soulstone's unit, each rendered from its rune and the scribe context only. */
export function renderSoulstones(codex: Codex): Map<string, string> {
  const ctx = scribeContext(codex);
  checkStartSet(ctx);
  return new Map(soulstones(codex).map((r) => {
    const { file, text } = renderSoulstone(r, ctx);
    return [file, text] as const;
  }));
}

/** Two files that quadlet turns into the same service overwrite each other without a word (docs/scribe.md). */
function checkServiceNames(files: Iterable<string>): void {
  const owners = new Map<string, string>();
  for (const f of files) {
    const service = serviceForFile(f);
    if (!service) continue;
    const other = owners.get(service);
    if (other) throw new ScribeError(`${other} and ${f} would both become ${service}`);
    owners.set(service, f);
  }
}

/**
 * Joins separately rendered pieces (for example per-rune cached build outputs)
 * into one generation: a file may come from one piece only, and no two files
 * may become the same service. Sorted by file name.
 */
export function assembleGeneration(parts: Iterable<Map<string, string>>): Map<string, string> {
  const all = new Map<string, string>();
  for (const part of parts) {
    for (const [file, text] of part) {
      if (all.has(file)) throw new ScribeError(`${file} is generated twice`);
      all.set(file, text);
    }
  }
  checkServiceNames(all.keys());
  return new Map([...all].sort(([a], [b]) => byCodePoint(a, b)));
}

/** The whole generation: exactly the union of the piecewise renderers. */
export function renderGeneration(codex: Codex): Map<string, string> {
  return assembleGeneration([renderPod(codex), renderCoreServices(codex), renderObservability(codex), renderCapabilities(codex), renderSoulstones(codex)]);
}

const OWNED = /\.(?:container|pod|volume|network|json|ya?ml)$/;

function listFiles(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, rel) : e.isFile() ? [rel] : [];
  });
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  // The temporary name ends in no quadlet extension, so a generator run mid-write never loads it.
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}

/**
 * Writes the generation into `dir` so that it holds exactly these files:
 * each file is replaced atomically, and generated files of removed runes are
 * deleted (a stale soulstone would keep its `Conflicts=` alive).
 */
export function writeGeneration(files: Map<string, string>, dir: string): void {
  for (const name of files.keys()) {
    if (name.startsWith('/') || name.split('/').some((p) => p === '..' || p === '' || p === '.')) {
      throw new ScribeError(`refusing to write ${JSON.stringify(name)} outside the generation folder`);
    }
  }
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeAtomically(join(dir, name), text);
  for (const stale of listFiles(dir).filter((f) => OWNED.test(f) && !files.has(f))) rmSync(join(dir, stale));
  // Drop folders emptied by the clean-up, deepest first.
  const dirs = new Set<string>();
  for (const f of listFiles(dir)) for (let d = dirname(f); d !== '.'; d = dirname(d)) dirs.add(d);
  const all = readdirDirs(dir).filter((d) => !dirs.has(d)).sort((a, b) => b.length - a.length);
  for (const d of all) {
    try {
      rmdirSync(join(dir, d));
    } catch {
      // Not empty (holds files we do not own): keep it.
    }
  }
}

function readdirDirs(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      return [rel, ...readdirDirs(dir, rel)];
    });
}
