import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../diagnostics';
import { byCodePoint } from '../shared/order';

/**
 * The one walker of every source tree the Forge copies or hashes (the core, each extension, the
 * templates, the Quadlets): one rule, so what is hashed is exactly what is copied.
 *
 * A tree holds plain files and folders only. Every symbolic link is refused (inside the tree or
 * not: a link is never followed and never copied), and so are fifos, sockets, devices, files
 * over MAX_TREE_FILE_BYTES. Validation also refuses names holding a control character (the
 * digest length-prefixes names, so even such a name cannot pass for another tree). Each refusal
 * names the file (and a link's target) and says what to do. A file's mode is reduced to 0644 or 0755 (git's
 * two modes): that is the mode hashed and the mode given to the copy.
 */

/** Larger files are refused: an image source is code and assets, not data sets. */
export const MAX_TREE_FILE_BYTES = 1024 * 1024 * 1024;

// Caches and environments that change without the source changing: never walked, hashed or copied.
const SKIP_DIRS = new Set(['.venv', '__pycache__', '.git', 'node_modules', '.tox', '.nox']);
const SKIP_DIR = (name: string) => SKIP_DIRS.has(name) || /^\..*_cache$/.test(name) || name.endsWith('.egg-info');
const SKIP_FILE = (name: string) => name.endsWith('.pyc') || name.endsWith('.pyo');

export interface TreeFile {
  /** Path relative to the tree's root, `/`-separated. */
  rel: string;
  /** 0o644 or 0o755. */
  mode: number;
  size: number;
}

export interface TreeProblem {
  /** Path relative to the tree's root, `/`-separated, control characters escaped. */
  rel: string;
  message: string;
  fix: string;
  /**
   * Only the name is refused (validation's rule for components); the file is still hashed and
   * copied alike, its name length-prefixed in the digest, so a tree outside validation never breaks.
   */
  nameOnly?: boolean;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A name or link target as it can be shown: JSON's escapes for control characters, in quotes. */
export const shown = (text: string): string => JSON.stringify(text);

/** Every plain file of the tree, sorted by path, and every entry that breaks the rule. */
export function walkTree(tree: string): { files: TreeFile[]; problems: TreeProblem[] } {
  const root = path.resolve(tree);
  const files: TreeFile[] = [];
  const problems: TreeProblem[] = [];
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(root, rel));
    } catch (e) {
      problems.push({ rel: rel || '.', ...unreadable(e) });
      return;
    }
    for (const name of names) {
      const child = rel ? `${rel}/${name}` : name;
      if (CONTROL.test(name))
        problems.push({
          rel: shown(child).slice(1, -1),
          message: `has a control character in its name (${shown(name)})`,
          fix: 'rename it: a file name in a component holds no newline, tab or other control character',
          nameOnly: true,
        });
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(path.join(root, child));
      } catch (e) {
        problems.push({ rel: child, ...unreadable(e) });
        continue;
      }
      if (stat.isDirectory()) {
        if (!SKIP_DIR(name)) walk(child);
      } else if (stat.isFile()) {
        if (SKIP_FILE(name)) continue;
        if (stat.size > MAX_TREE_FILE_BYTES)
          problems.push({
            rel: child,
            message: `is ${stat.size} bytes; a file in a component may hold at most ${MAX_TREE_FILE_BYTES} bytes (1 GiB)`,
            fix: 'keep large data out of the component: fetch it at run time, or store it in a volume',
          });
        else files.push({ rel: child, mode: stat.mode & 0o111 ? 0o755 : 0o644, size: stat.size });
      } else if (stat.isSymbolicLink()) {
        problems.push({ rel: child, ...linkProblem(root, child) });
      } else {
        problems.push({
          rel: child,
          message: `is a ${specialKind(stat)}; a component holds plain files and folders only`,
          fix: 'delete it or move it out of the component',
        });
      }
    }
  };
  walk('');
  return { files: files.sort((a, b) => byCodePoint(a.rel, b.rel)), problems: problems.sort((a, b) => byCodePoint(a.rel, b.rel)) };
}

function specialKind(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'fifo (named pipe)';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice()) return 'character device';
  if (stat.isBlockDevice()) return 'block device';
  return 'special file';
}

/** Why a link is refused, by what it points to: the target is named, never read. */
function linkProblem(root: string, rel: string): { message: string; fix: string } {
  const full = path.join(root, rel);
  let target: string;
  try {
    target = fs.readlinkSync(full);
  } catch (e) {
    return unreadable(e);
  }
  const resolved = path.resolve(path.dirname(full), target);
  const inside = resolved === root || resolved.startsWith(root + path.sep);
  if (!inside)
    return {
      message: `is a symbolic link to ${shown(target)}, outside the component; the Forge never copies a file from outside a component`,
      fix: 'delete the link; if the file belongs in the image, put a copy of it in the component',
    };
  let what = 'a file';
  try {
    what = fs.statSync(full).isDirectory() ? 'a folder' : 'a file';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    what = code === 'ELOOP' ? 'itself (a loop of links)' : code === 'ENOENT' ? 'nothing (the target does not exist)' : what;
  }
  return {
    message: `is a symbolic link to ${shown(target)}, which is ${what}; a component holds plain files and folders only, never links`,
    fix: 'replace the link with a copy of what it points to, or delete it',
  };
}

function unreadable(e: unknown): { message: string; fix: string } {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM'
    ? { message: 'cannot be read: permission denied', fix: 'give the user running the Forge read access to it' }
    : { message: `cannot be read (${code ?? 'unknown error'})`, fix: 'check the file and run again' };
}

/** A tree that breaks the rule: the Forge stops before hashing or copying any of it. */
export class TreeRuleError extends ForgeError {
  constructor(
    readonly root: string,
    readonly problems: TreeProblem[],
  ) {
    super(
      problems.map((p) => ({ severity: 'error', code: 'LYCHD305', file: path.join(root, p.rel), message: p.message, hint: p.fix })),
      `${root} holds what no component may hold; nothing was copied:`,
    );
    this.name = 'TreeRuleError';
  }
}

function plainTree(root: string): TreeFile[] {
  const walked = walkTree(root);
  const problems = walked.problems.filter((p) => !p.nameOnly);
  if (problems.length) throw new TreeRuleError(root, problems);
  return walked.files;
}

/**
 * A plain file's bytes: opened without following a link and without blocking on a fifo, then
 * checked to be a regular file, so one swapped in after the walk is refused, never read.
 */
export function readPlainFile(file: string): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a plain file`), { code: 'EINVAL' });
    if (stat.size > MAX_TREE_FILE_BYTES) throw Object.assign(new Error(`${file} is over ${MAX_TREE_FILE_BYTES} bytes`), { code: 'EFBIG' });
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Every plain file as (relative path, sha256 of its content), sorted by path; throws TreeRuleError. */
export function listTree(root: string): Array<[string, string]> {
  return plainTree(root).map((f) => [
    f.rel,
    createHash('sha256')
      .update(readPlainFile(path.join(root, f.rel)))
      .digest('hex'),
  ]);
}

/**
 * The hash of a tree, as it is copied: sha256 over `<content sha256> <mode> <length>:<path>\n`
 * per file, sorted by path. The length prefix keeps any name from passing for two entries.
 */
export function treeSha256(root: string): string {
  const h = createHash('sha256');
  for (const f of plainTree(root)) {
    const content = createHash('sha256')
      .update(readPlainFile(path.join(root, f.rel)))
      .digest('hex');
    h.update(`${content} ${f.mode.toString(8)} ${Buffer.byteLength(f.rel)}:${f.rel}\n`);
  }
  return h.digest('hex');
}

/** Copies the tree's plain files below `dest/`, each with its hashed mode; throws TreeRuleError. */
export function copyTree(root: string, dest: string): void {
  for (const f of plainTree(root)) {
    const target = path.join(dest, f.rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, readPlainFile(path.join(root, f.rel)), { mode: f.mode });
    fs.chmodSync(target, f.mode);
  }
}
