import * as fs from 'node:fs';
import * as path from 'node:path';
import { errnoCode } from '../shared/fsutil';
import { failure } from '../diagnostics';

/*
 * A crash-proof mutex made of plain files, without a takeover race.
 *
 * Holders own an "epoch": the file `.lock-<n>` holding their pid, created with link(2) from a
 * finished temp file (so it never exists half-written) and retired by renaming it to
 * `.lock-<n>.free`. To acquire, a process looks at the highest epoch: if its holder is alive it
 * waits; if the epoch is free or its holder is dead (SIGKILL, power loss), it links `.lock-<n+1>`.
 * Only one process can create a given name, so a stale lock is taken over by exactly one
 * contender and nothing is ever deleted to break it. A contender that acted on an old view (it
 * created a lower epoch after a higher one appeared) sees the higher epoch right after and
 * backs off. The newest epoch file is never deleted, so epochs only grow.
 */

const EPOCH_RE = /^\.lock-(\d+)(\.free)?$/;
const TEMP_PREFIX = '.lock-tmp-';

export interface LockHandle {
  dir: string;
  epoch: number;
  file: string;
}

const heldHere = new Set<string>();

interface Epoch {
  n: number;
  free: boolean;
  name: string;
}

function listEpochs(dir: string): Epoch[] {
  const epochs: Epoch[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = EPOCH_RE.exec(name);
    if (m) epochs.push({ n: Number(m[1]), free: m[2] !== undefined, name });
  }
  return epochs.sort((a, b) => a.n - b.n || Number(a.free) - Number(b.free));
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isNaN(n) ? undefined : n;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Who holds the lock right now, if anyone alive does. */
export function lockHolder(dir: string): { pid: number; file: string } | undefined {
  const top = listEpochs(dir).at(-1);
  if (top === undefined || top.free) return undefined;
  const file = path.join(dir, top.name);
  const pid = readPid(file);
  if (pid === undefined) return undefined;
  if (pid === process.pid) return heldHere.has(file) ? { pid, file } : undefined;
  return pidAlive(pid) ? { pid, file } : undefined;
}

/** True when the newest epoch was left held by a process that no longer exists. */
export function lockIsStale(dir: string): boolean {
  const top = listEpochs(dir).at(-1);
  return top !== undefined && !top.free && lockHolder(dir) === undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function acquireLock(
  dir: string,
  timeoutMs: number,
  purpose = { lock: 'the bind lock', holder: 'lychd bind' },
): Promise<LockHandle> {
  const deadline = Date.now() + timeoutMs;
  let attempt = 0;
  for (;;) {
    const epochs = listEpochs(dir);
    const top = epochs.at(-1);
    const holder = lockHolder(dir);
    if (holder !== undefined) {
      if (Date.now() > deadline) {
        throw failure('LYCHD506', `timed out after ${timeoutMs} ms waiting for ${purpose.lock}, held by pid ${holder.pid}`, {
          file: holder.file,
          hint: `wait for that ${purpose.holder} to finish; if pid ${holder.pid} is not a ${purpose.holder} (a reused pid), rename ${holder.file} to ${holder.file}.free and retry`,
        });
      }
      await sleep(10 + Math.floor(Math.random() * 30));
      continue;
    }
    const epoch = (top?.n ?? 0) + 1;
    const file = path.join(dir, `.lock-${epoch}`);
    const tmp = path.join(dir, `${TEMP_PREFIX}${process.pid}-${attempt++}`);
    fs.writeFileSync(tmp, `${process.pid}\n`);
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') continue;
      throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    if (listEpochs(dir).some((e) => e.n > epoch)) {
      // Acted on an old view: a newer epoch exists, so this one confers nothing.
      fs.rmSync(file, { force: true });
      continue;
    }
    for (const old of listEpochs(dir)) {
      if (old.n < epoch) fs.rmSync(path.join(dir, old.name), { force: true });
    }
    heldHere.add(file);
    return { dir, epoch, file };
  }
}

export function releaseLock(lock: LockHandle): void {
  heldHere.delete(lock.file);
  fs.renameSync(lock.file, `${lock.file}.free`);
}

/** Lock temp files of dead processes (killed between writing and linking). */
export function staleLockTemps(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => {
    if (!name.startsWith(TEMP_PREFIX)) return false;
    const pid = Number.parseInt(name.slice(TEMP_PREFIX.length), 10);
    return !pidAlive(pid);
  });
}
