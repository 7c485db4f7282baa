import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failure } from '../diagnostics';

/** One generation: relative POSIX paths → bytes, sorted by path. */
export type GenerationFiles = Map<string, Buffer>;

export interface Generation {
  id: string;
  files: GenerationFiles;
}

const ID_LENGTH = 16;

/**
 * Content id: sha256 over the sorted (relative path, bytes) pairs, each field length-prefixed so
 * no two different file sets can serialize alike. Equal content ⇒ equal id, on any machine.
 */
export function generationId(files: GenerationFiles): string {
  const hash = createHash('sha256');
  for (const rel of [...files.keys()].sort()) {
    const bytes = files.get(rel) as Buffer;
    const name = Buffer.from(rel, 'utf8');
    hash.update(`${name.length}:`).update(name).update(`${bytes.length}:`).update(bytes);
  }
  return hash.digest('hex').slice(0, ID_LENGTH);
}

/**
 * Read every regular file under `dir` (recursively; the quadlet generator recurses too).
 * Symlinks and special files are refused: an installed generation must be self-contained.
 */
export function readTree(dir: string): GenerationFiles {
  const out: GenerationFiles = new Map();
  const walk = (abs: string, rel: string): void => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(childAbs, childRel);
      else if (entry.isFile()) out.set(childRel, fs.readFileSync(childAbs));
      else {
        throw failure('LYCHD501', 'not a regular file (a symlink, socket or device); a generation holds plain files only', {
          file: childAbs,
          hint: 're-render the generation, or replace the entry with a copy of the file it points to',
        });
      }
    }
  };
  walk(dir, '');
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Read a rendered generation directory and compute its id. */
export function readGeneration(generationDir: string): Generation {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(generationDir);
  } catch {
    throw failure('LYCHD501', 'the generation folder does not exist', {
      file: generationDir,
      hint: "render the Quadlets first (the Scribe's output), then pass that folder",
    });
  }
  if (!stat.isDirectory()) {
    throw failure('LYCHD501', 'the generation path is not a folder', { file: generationDir, hint: "pass the Scribe's output folder" });
  }
  const files = readTree(generationDir);
  if (files.size === 0) {
    throw failure('LYCHD501', 'the generation folder is empty; refusing to install it', {
      file: generationDir,
      why: 'an empty generation would remove every LychD unit',
      hint: 'render the Quadlets first',
    });
  }
  return { id: generationId(files), files };
}

export function sameFiles(a: GenerationFiles, b: GenerationFiles): boolean {
  if (a.size !== b.size) return false;
  for (const [rel, bytes] of a) {
    const other = b.get(rel);
    if (other === undefined || !other.equals(bytes)) return false;
  }
  return true;
}
