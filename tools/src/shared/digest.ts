import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { byCodePoint } from './order';

/** Hashing and canonical JSON: the one way the Forge digests what it writes and reads. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function fileSha256(file: string): string {
  return sha256(fs.readFileSync(file));
}

/** JSON with keys sorted at every level, two-space indent and a final LF: hashable and diffable. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(byCodePoint)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

// Caches and environments that change without the source changing.
const SKIP_DIRS = new Set(['.venv', '__pycache__', '.git', 'node_modules', '.tox', '.nox']);
const SKIP_DIR = (name: string) => SKIP_DIRS.has(name) || /^\..*_cache$/.test(name) || name.endsWith('.egg-info');
const SKIP_FILE = (name: string) => name.endsWith('.pyc') || name.endsWith('.pyo');

/** Every file of a source tree as (relative path, sha256), sorted by path. */
export function listTree(root: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (!SKIP_DIR(entry.name)) walk(full);
      } else if (entry.isSymbolicLink()) {
        out.push([rel, sha256(`symlink:${fs.readlinkSync(full)}`)]);
      } else if (entry.isFile() && !SKIP_FILE(entry.name)) {
        out.push([rel, fileSha256(full)]);
      }
    }
  };
  walk(root);
  return out.sort((a, b) => byCodePoint(a[0], b[0]));
}

/**
 * The hash of a local source tree, which uv leaves unhashed: sha256 over the lines
 * `<file sha256>  <relative path>` (sha256sum's format), sorted by path.
 */
export function treeSha256(root: string): string {
  return sha256(
    listTree(root)
      .map(([rel, hash]) => `${hash}  ${rel}\n`)
      .join(''),
  );
}
