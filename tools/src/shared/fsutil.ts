import * as fs from 'node:fs';
import * as path from 'node:path';
import { byCodePoint } from './order';

/**
 * A file's identity as the kernel keeps it: device, inode, size and times. Any write to the file
 * or its replacement changes it (the kernel sets ctime, no caller can), so a fact learned from
 * the file's bytes (a digest, a tool's version) can be remembered under it.
 */
export function fileIdentity(file: string): string {
  const st = fs.statSync(file, { bigint: true });
  return [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(':');
}

/** fsync a directory so the entries created, renamed or removed in it survive power loss. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Write a new file and fsync its data before anyone can rename it into view. */
export function writeFileSynced(file: string, data: Buffer | string, mode = 0o644): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes new files, then makes them all durable: the fsyncs run concurrently on libuv's pool,
 * so a generation of a thousand units does not wait for a thousand disk flushes in a row.
 */
export async function writeFilesSynced(files: [string, Buffer | string][], mode = 0o644): Promise<void> {
  for (const [file, data] of files) fs.writeFileSync(file, data, { flag: 'wx', mode });
  let next = 0;
  const flush = async () => {
    while (next < files.length) {
      const handle = await fs.promises.open(files[next++]![0], 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, flush));
}

/**
 * Replace `file` atomically: write a sibling temp file, fsync, rename, then fsync the directory
 * unless the caller makes a whole batch durable itself. A reader sees the old or the new file,
 * never a part; the temp name must be one no reader loads (no quadlet extension).
 */
export function replaceFileAtomic(file: string, data: string, tmpName: string, syncDir = true): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, tmpName);
  fs.rmSync(tmp, { force: true });
  writeFileSynced(tmp, data);
  fs.renameSync(tmp, file);
  if (syncDir) fsyncDir(dir);
}

/**
 * Write one of the Forge's output files (the Containerfile, the schemas, the federation record,
 * image.json …). The file is replaced, never written into: a symbolic link placed where the
 * output goes is replaced by the new file, and whatever it points at is left untouched.
 */
export function writeOutputFile(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  replaceFileAtomic(file, data, `.${path.basename(file)}.tmp-${process.pid}`);
}

/** Replaces a task's output folder with exactly these files, so nothing stale survives a rerun. */
export function writeOutputDir(dir: string, files: ReadonlyMap<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of [...files].sort(([a], [b]) => byCodePoint(a, b))) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

/** mkdir -p that also makes each new directory's entry durable in its parent. */
export function mkdirDurable(dir: string): void {
  const missing: string[] = [];
  let cur = path.resolve(dir);
  while (!fs.existsSync(cur)) {
    missing.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    fsyncDir(path.dirname(d));
  }
}

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** lstat that answers undefined for a missing path instead of throwing. */
export function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}
