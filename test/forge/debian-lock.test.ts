import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../tools/src/diagnostics';
import { fetchLockedDebs, lockProblems, resolveDebianLock } from '../../tools/src/image/debian-lock';
import { readDebianLock, type DebianLock, type IndexedDeb } from '../../tools/src/artifacts/debian-lock';
import type { SynthesisManifest } from '../../tools/src/artifacts/synthesis-manifest';
import type { BaseRecord } from '../../tools/src/artifacts/base-record';
import { REQUIRE_TOOLS } from '../toolchain/tool-gate';
import { LocalArchive, missingArchiveTools } from './debian-archive';
import { tempDir } from '../support/temp';

/**
 * The Debian lock against a Debian archive the test publishes (dpkg-deb, apt-ftparchive): real
 * apt resolves on a base's dpkg status, the host fetches by digest, and a moved archive is refused.
 */
const missing = missingArchiveTools();
if (missing.length && !REQUIRE_TOOLS)
  console.warn(`[debian-lock tests] SKIPPING: ${missing.join(', ')} not installed (apt-get install apt-utils)`);

let dir: string;
let archive: LocalArchive;
let base: { record: BaseRecord; tar: string; packages: IndexedDeb[] };

/** A locked entry for a file of the test's archive, as the archive's index describes it. */
function entryOf(deb: string, name: string, version: string): IndexedDeb {
  const bytes = fs.readFileSync(deb);
  return {
    name,
    version,
    architecture: 'all',
    filename: `pool/main/${path.basename(deb)}`,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/**
 * A base with one package installed (dpkg's status in a root filesystem tar), as the lock reads a
 * real one, built from base-marker's locked file.
 */
function fakeBase(root: string, marker: IndexedDeb): { record: BaseRecord; tar: string; packages: IndexedDeb[] } {
  const fsRoot = path.join(root, 'rootfs');
  fs.mkdirSync(path.join(fsRoot, 'var', 'lib', 'dpkg'), { recursive: true });
  fs.writeFileSync(
    path.join(fsRoot, 'var', 'lib', 'dpkg', 'status'),
    'Package: base-marker\nStatus: install ok installed\nVersion: 1\nArchitecture: all\nDescription: the base\n\n',
  );
  const tar = path.join(root, 'base.tar');
  expect(spawnSync('tar', ['-C', fsRoot, '-cf', tar, '.']).status).toBe(0);
  return { record: { kind: 'debian', ref: 'bookworm', digest: `sha256:${'0'.repeat(64)}` }, tar, packages: [marker] };
}

const lockNow = (requested: string[]): DebianLock =>
  resolveDebianLock({
    archive: { uri: archive.uri, suite: 'bookworm', components: ['main'] },
    base,
    requested,
    workDir: path.join(dir, 'work'),
  });

async function refusal(lock: DebianLock, cache: string): Promise<string> {
  try {
    await fetchLockedDebs(lock, { cacheDir: cache, workDir: path.join(dir, 'work') });
  } catch (e) {
    expect(e).toBeInstanceOf(ForgeError);
    const err = e as ForgeError;
    return err.message;
  }
  throw new Error('the fetch did not refuse');
}

describe.skipIf(missing.length > 0 && !REQUIRE_TOOLS)('the Debian lock, against a local archive', () => {
  beforeAll(() => {
    dir = tempDir('lychd-debian-lock-');
    archive = new LocalArchive(path.join(dir, 'archive'));
    archive.publish('lychd-hello-data', '1.0-1');
    archive.publish('lychd-hello', '1.0-1', { depends: 'lychd-hello-data (>= 1.0), base-marker' });
    archive.publish('lychd-unrelated', '2.0-1');
    base = fakeBase(dir, entryOf(archive.publish('base-marker', '1'), 'base-marker', '1'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves the requested package with what it depends on, not what the base has, to versions and sha256 digests', () => {
    const lock = lockNow(['lychd-hello']);
    expect(lock.requested).toEqual(['lychd-hello']);
    expect(lock.base).toEqual({
      suite: 'bookworm',
      digest: base.record.digest,
      packages: base.packages,
    });
    expect(lock.packages.map((p) => [p.name, p.version, p.architecture, p.filename])).toEqual([
      ['lychd-hello', '1.0-1', 'all', 'pool/main/lychd-hello_1.0-1_all.deb'],
      ['lychd-hello-data', '1.0-1', 'all', 'pool/main/lychd-hello-data_1.0-1_all.deb'],
    ]);
    const onDisk = fs.readFileSync(path.join(archive.root, 'pool/main/lychd-hello_1.0-1_all.deb'));
    expect(lock.packages[0]!.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
    expect(lock.packages[0]!.size).toBe(onDisk.length);
    // The same archive, the same lock.
    expect(lockNow(['lychd-hello'])).toEqual(lock);
  });

  it('fetches the locked files by digest into the cache, and refuses once the archive has moved, naming what it has now', async () => {
    const lock = lockNow(['lychd-hello']);
    const cache = path.join(dir, 'cache-a');
    const files = await fetchLockedDebs(lock, { cacheDir: cache, workDir: path.join(dir, 'work') });
    expect([...files.values()].map((f) => path.basename(f)).sort()).toEqual(lock.packages.map((p) => `${p.sha256}.deb`).sort());
    // Each file's check is remembered by its identity; a file changed since (same size, other bytes) is
    // hashed again, found wrong and fetched anew.
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(cache, 'debs', 'checked.json'), 'utf8'))).sort()).toEqual(
      lock.packages.map((p) => p.sha256).sort(),
    );
    const spoiled = [...files.values()][0]!;
    const good = fs.readFileSync(spoiled);
    fs.writeFileSync(spoiled, Buffer.alloc(good.length, 0x41));
    const progress: string[] = [];
    await fetchLockedDebs(lock, { cacheDir: cache, workDir: path.join(dir, 'work'), progress: (l) => progress.push(l) });
    expect(progress.join('\n')).toContain('2 locked .deb file(s): 1 fetched, 1 from the cache');
    expect(fs.readFileSync(spoiled).equals(good)).toBe(true);
    // The base is built from its locked files too: with withBase, those are fetched and checked as well.
    const withBase = await fetchLockedDebs(lock, {
      withBase: true,
      cacheDir: path.join(dir, 'cache-base'),
      workDir: path.join(dir, 'work'),
    });
    expect([...withBase.keys()].map((p) => p.name).sort()).toEqual(['base-marker', 'lychd-hello', 'lychd-hello-data']);

    // A mirror at another address serves the same files: fetched from there, checked by digest.
    const mirror = path.join(dir, 'mirror');
    fs.cpSync(archive.root, mirror, { recursive: true });
    const fromMirror = await fetchLockedDebs(lock, {
      cacheDir: path.join(dir, 'cache-mirror'),
      workDir: path.join(dir, 'work'),
      archive: { ...lock.archive, uri: `file:${mirror}` },
    });
    expect(fromMirror.size).toBe(2);

    // The archive moves: a newer lychd-hello, the old one removed; lychd-hello-data rebuilt with other bytes.
    archive.publish('lychd-hello', '1.1-1', { depends: 'lychd-hello-data (>= 1.0), base-marker' });
    archive.remove('lychd-hello', '1.0-1');
    archive.publish('lychd-hello-data', '1.0-1', { payload: 'rebuilt\n' });

    // A cache that holds the locked files needs no archive: the same bytes, by digest.
    expect((await fetchLockedDebs(lock, { cacheDir: cache, workDir: path.join(dir, 'work') })).size).toBe(2);

    // Another machine, with an empty cache, is refused, with every moved package at once.
    const message = await refusal(lock, path.join(dir, 'cache-b'));
    console.log(`[debian-lock tests] the refusal:\n${message}`);
    expect(message).toContain(`the Debian archive ${archive.uri} no longer serves 2 locked package file(s): nothing was built or tagged`);
    expect(message).toMatch(
      /lychd-hello 1\.0-1 \(all\) is locked, but the archive has no file .*lychd-hello_1\.0-1_all\.deb; the archive now has 1\.1-1/,
    );
    expect(message).toMatch(/lychd-hello-data 1\.0-1 \(all\) is locked, but the archive's file .* has sha256 [0-9a-f]{64}, not the locked/);
    expect(message).toContain('`lychd-forge debian-lock`');
    expect(fs.readdirSync(path.join(dir, 'cache-b', 'debs'))).toEqual([]);

    // Re-locking picks what the archive has now.
    const relocked = lockNow(['lychd-hello']);
    expect(relocked.packages.map((p) => `${p.name}=${p.version}`)).toEqual(['lychd-hello=1.1-1', 'lychd-hello-data=1.0-1']);
    expect(relocked.packages[1]!.sha256).not.toBe(lock.packages[1]!.sha256);
    expect((await fetchLockedDebs(relocked, { cacheDir: path.join(dir, 'cache-b'), workDir: path.join(dir, 'work') })).size).toBe(2);

    // A base package the archive no longer serves is refused by its own field, before the base is built.
    archive.remove('base-marker', '1');
    let baseRefusal = '';
    await fetchLockedDebs(lock, { withBase: true, cacheDir: path.join(dir, 'cache-c'), workDir: path.join(dir, 'work') }).catch(
      (e: ForgeError) => (baseRefusal = e.message),
    );
    expect(baseRefusal).toMatch(
      /base-marker 1 \(all\) is locked, but the archive has no file .*base-marker_1_all\.deb; the archive no longer has this package \[base\.packages\.base-marker\]/,
    );
    archive.publish('base-marker', '1');
  });

  it('names every requested package the archive does not have', () => {
    expect(() => lockNow(['lychd-hello', 'lychd-absent', 'lychd-gone'])).toThrow(
      expect.objectContaining({ name: 'UnknownDebianPackages', packages: ['lychd-absent', 'lychd-gone'] }),
    );
  });

  it('says every way a committed lock does not fit the manifest and the base, at once', () => {
    const lock = lockNow(['lychd-hello']);
    const root = path.join(dir, 'workspace');
    fs.mkdirSync(path.join(root, 'forge/synthesis'), { recursive: true });
    fs.writeFileSync(path.join(root, 'forge/synthesis/debian.lock.json'), JSON.stringify(lock));
    const manifest = {
      system: [{ name: 'lychd-other', spec: 'lychd-other', requestedBy: ['oracle'] }],
      debian: undefined,
    } as unknown as SynthesisManifest;
    const otherBase = { ...base.record, digest: `sha256:${'1'.repeat(64)}` };
    const problems = lockProblems(root, lock, manifest, otherBase, lock.archive);
    expect(problems.map((p) => `${p.file} ${p.field}`)).toEqual([
      'forge/synthesis.lock.json debian.sha256',
      'forge/synthesis/debian.lock.json requested',
      'forge/synthesis/debian.lock.json base',
    ]);
    expect(problems[1]!.message).toBe('locks ["lychd-hello"] but the Synthesis Manifest asks for ["lychd-other"]');
    expect(problems[1]!.fix).toContain('`lychd-forge debian-lock`');
    // Another address for the same suite is not a problem: files are checked by digest.
    const fine = lockProblems(
      root,
      lock,
      {
        system: [{ name: 'lychd-hello', spec: 'lychd-hello', requestedBy: [] }],
        debian: { lockfile: '', sha256: '' },
      } as unknown as SynthesisManifest,
      base.record,
      { ...lock.archive, uri: 'file:/elsewhere' },
    );
    expect(fine.map((p) => p.field)).toEqual(['debian.sha256']);
  });

  it('reads a committed lock only of its own format, with every entry a plain archive file', () => {
    const lock = lockNow(['lychd-hello']);
    const root = path.join(dir, 'reader');
    const file = path.join(root, 'forge/synthesis/debian.lock.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const refusal = (value: unknown) => {
      fs.writeFileSync(file, JSON.stringify(value));
      try {
        readDebianLock(root);
      } catch (e) {
        expect(e).toBeInstanceOf(ForgeError);
        return (e as ForgeError).diagnostics.map((d) => [d.code, d.field, d.message, d.hint]);
      }
      throw new Error('the lock was read');
    };
    const relock = expect.stringContaining('`npx lychd-forge debian-lock`');
    fs.writeFileSync(file, JSON.stringify(lock));
    expect(readDebianLock(root)).toEqual(lock);
    // An entry that could not be a plain archive file never reaches a build context or a Containerfile.
    const broken = {
      ...lock,
      base: { ...lock.base, packages: [{ ...lock.base.packages[0]!, sha256: 'x' }] },
      packages: [{ ...lock.packages[0]!, filename: 'pool/main/$(curl evil).deb' }],
    };
    expect(refusal(broken)).toEqual([
      ['LYCHD804', 'base.packages[0].sha256', 'must be 64 lowercase hex digits', relock],
      ['LYCHD804', 'packages[0].filename', 'must be a plain archive file: pool/…/<name>_<version>_<architecture>.deb', relock],
    ]);
    // A lock of the first format (the base's packages by name only) is re-locked, not guessed at.
    expect(refusal({ ...lock, formatVersion: 1 })).toEqual([
      ['LYCHD804', 'formatVersion', 'is format 1, written by an older Forge; this one reads format 2', relock],
    ]);
  });
});
