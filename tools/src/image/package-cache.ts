import * as fs from 'node:fs';
import * as path from 'node:path';
import { forgeCacheDir } from '../shared/forge-cache';

/** In a filled cache: the key it was filled for, written only after the fill succeeded. */
const MARKER = '.lychd-filled';
/** Seeds kept per kind: the most recently used ones. */
const SEEDS_KEPT = 3;

export type CacheState = 'kept' | 'seeded' | 'to fill';

/** A line of progress: where the cache's packages came from. */
export function describeCache(state: CacheState, source: string): string {
  if (state === 'kept') return 'kept from the last build (same lock)';
  if (state === 'seeded') return "copied from the Forge's cache (same lock, filled in another workspace)";
  return `filled from ${source}`;
}

/**
 * A package cache the build mounts (uv's, npm's), filled on the host from a lock. `key` names
 * what it must hold (the lock, the manifests, the tool's version): a cache marked with the same key
 * holds all of it. Each filled cache is also kept in the Forge's cache folder as a seed, so that a
 * new clone or workspace copy with the same lock copies it instead of downloading every package.
 */
export class PackageCache {
  private readonly seeds: string;

  constructor(
    readonly dir: string,
    kind: 'uv' | 'npm',
    private readonly key: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.seeds = path.join(forgeCacheDir(env), 'package-caches', kind);
  }

  /** Before the fill: filled for this key already, seeded from another workspace's fill, or to fill. */
  prepare(): CacheState {
    return this.filled ? 'kept' : this.seed() ? 'seeded' : 'to fill';
  }

  /** Filled for this very key already. */
  private get filled(): boolean {
    try {
      return fs.readFileSync(path.join(this.dir, MARKER), 'utf8') === this.key;
    } catch {
      return false;
    }
  }

  /** Replaces the cache by a copy of the seed for this key, if there is one; true when it did. */
  private seed(): boolean {
    const seed = path.join(this.seeds, this.key);
    if (!fs.existsSync(seed)) return false;
    try {
      fs.rmSync(this.dir, { recursive: true, force: true });
      // Copies, not links: uv and npm write into the cache while they build.
      fs.cpSync(seed, this.dir, { recursive: true, verbatimSymlinks: true });
      const now = new Date();
      fs.utimesSync(seed, now, now);
      return this.filled;
    } catch {
      // A seed removed while it was copied (another workspace's build kept newer ones): fill as without one.
      fs.rmSync(this.dir, { recursive: true, force: true });
      return false;
    }
  }

  /** After a successful fill: marks the cache, and keeps it as the seed for its key. */
  markFilled(): void {
    fs.writeFileSync(path.join(this.dir, MARKER), this.key);
    const seed = path.join(this.seeds, this.key);
    if (fs.existsSync(seed)) return;
    const staging = `${seed}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.seeds, { recursive: true });
      fs.cpSync(this.dir, staging, { recursive: true, verbatimSymlinks: true });
      // Whole or not at all: a seed appears only complete, and another build's rename of the same key wins.
      fs.renameSync(staging, seed);
      this.evictOld();
    } catch {
      // A read-only or full Forge cache costs the next clone a download, nothing else.
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

  private evictOld(): void {
    const seeds = fs
      .readdirSync(this.seeds)
      .filter((name) => /^[0-9a-f]{64}$/.test(name))
      .map((name) => ({ dir: path.join(this.seeds, name), used: fs.statSync(path.join(this.seeds, name)).mtimeMs }))
      .sort((a, b) => b.used - a.used);
    for (const { dir } of seeds.slice(SEEDS_KEPT)) fs.rmSync(dir, { recursive: true, force: true });
  }
}
