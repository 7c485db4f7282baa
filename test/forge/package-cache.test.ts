import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackageCache } from '../../tools/src/image/package-cache';
import { tempDir } from '../support/temp';

const key = (n: number) => n.toString(16).padStart(64, '0');

describe("the build's package caches, seeded across workspaces", () => {
  it('is to fill, then kept; another workspace with the same key is seeded with the same files and relative links', () => {
    const work = tempDir('lychd-package-cache-');
    const env = { LYCHD_FORGE_CACHE: path.join(work, 'forge') };
    const a = new PackageCache(path.join(work, 'a'), 'uv', key(1), env);
    expect(a.prepare()).toBe('to fill');
    // What uv leaves: an unpacked archive and a relative link to it.
    fs.mkdirSync(path.join(a.dir, 'archive-v0', 'x'), { recursive: true });
    fs.writeFileSync(path.join(a.dir, 'archive-v0', 'x', 'mod.py'), 'print(1)\n');
    fs.mkdirSync(path.join(a.dir, 'wheels-v8'));
    fs.symlinkSync('../archive-v0/x', path.join(a.dir, 'wheels-v8', 'x'));
    a.markFilled();
    expect(a.prepare()).toBe('kept');

    const b = new PackageCache(path.join(work, 'b'), 'uv', key(1), env);
    fs.mkdirSync(b.dir);
    fs.writeFileSync(path.join(b.dir, 'stale'), '');
    expect(b.prepare()).toBe('seeded');
    expect(fs.existsSync(path.join(b.dir, 'stale'))).toBe(false);
    expect(fs.readlinkSync(path.join(b.dir, 'wheels-v8', 'x'))).toBe('../archive-v0/x');
    expect(fs.readFileSync(path.join(b.dir, 'wheels-v8', 'x', 'mod.py'), 'utf8')).toBe('print(1)\n');
    // Another key, or the other kind's seeds, are not this cache's.
    expect(new PackageCache(path.join(work, 'c'), 'uv', key(2), env).prepare()).toBe('to fill');
    expect(new PackageCache(path.join(work, 'd'), 'npm', key(1), env).prepare()).toBe('to fill');
  });

  it('keeps the three seeds used last and removes the others', () => {
    const work = tempDir('lychd-package-cache-');
    const env = { LYCHD_FORGE_CACHE: path.join(work, 'forge') };
    const seeds = path.join(work, 'forge', 'package-caches', 'npm');
    const fillWith = (n: number) => {
      const cache = new PackageCache(path.join(work, `ws-${n}`), 'npm', key(n), env);
      expect(cache.prepare()).toBe('to fill');
      fs.mkdirSync(cache.dir, { recursive: true });
      cache.markFilled();
      // Each seed used a second later than the one before.
      fs.utimesSync(path.join(seeds, key(n)), n, n);
    };
    for (const n of [1, 2, 3]) fillWith(n);
    // Seeding from the first makes it the last used.
    expect(new PackageCache(path.join(work, 'again'), 'npm', key(1), env).prepare()).toBe('seeded');
    fillWith(4);
    expect(fs.readdirSync(seeds).sort()).toEqual([key(1), key(3), key(4)]);
  });
});
