import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrimeScroll } from '../codex';
import { DEBIAN_LOCK_FILE, MANIFEST_FILE } from '../artifacts/paths';
import { DEBIAN_LOCK_FORMAT } from '../artifacts/formats';
import { DEB_FILE_PATTERN, SHA256_HEX_PATTERN } from '../artifacts/patterns';
import { readSynthesisManifest } from '../artifacts/synthesis-manifest';
import { readDebianLock, requestedSpecs, type DebianArchive, type DebianLock, type IndexedDeb } from '../artifacts/debian-lock';
import { debianLockDigest } from '../synthesis/manifest';
import type { SynthesisManifest } from '../artifacts/synthesis-manifest';
import { canonicalJson, fileSha256Streamed, sha256 } from '../shared/digest';
import { fileIdentity, replaceFileAtomic } from '../shared/fsutil';
import { runProgram } from '../toolchain';
import { PrivateApt, UnknownDebianPackages } from './apt';
import { forgeCacheDir } from '../shared/forge-cache';
import { baseSpecOf, DEBIAN_RECIPE, ensureBase, resolveDebianBase, type BuiltBase } from './base';
import type { BaseRecord } from '../artifacts/base-record';
import type { ForgeSources } from './inputs';
import { imageFailure } from './errors';
import type { SynthesisProblem } from '../synthesis/problems';
import { debianArchiveUri } from './mirror';
import { missingPackageProblems } from './missing-package';
import { nxRun } from '../nx/names';

export { DEBIAN_LOCK_FILE };
export const RELOCK_COMMAND = 'lychd-forge debian-lock';

/** The archive the lock resolves against: `[forge.debian] archive`, else the machine's own; the base's suite, main. */
export function debianArchiveOf(forge: PrimeScroll['forge'], env: NodeJS.ProcessEnv = process.env): DebianArchive {
  const uri = forge.debian.archive?.replace(/\/+$/, '') ?? debianArchiveUri(env);
  if (!uri)
    throw imageFailure(
      'LYCHD600',
      'no Debian archive to lock the system packages against: none in /etc/apt/sources.list{,.d}. Set [forge.debian] archive in the Prime Scroll',
    );
  return { uri, suite: forge.base.suite ?? 'bookworm', components: ['main'] };
}

/** What a lock records as its archive when it was resolved against the machine's apt sources (no `[forge.debian] archive`). */
export const MACHINE_ARCHIVE = 'apt-sources:';

/** The file name a locked package has in the build context (the archive's own, without its folder). */
export const debFileName = (p: IndexedDeb) => path.posix.basename(p.filename);

/**
 * The base's package set as mmdebstrap resolves it against the archive now, each with the
 * archive's file and sha256: what the base is then built from.
 */
export function resolveBasePackages(archive: DebianArchive, workDir: string, env: NodeJS.ProcessEnv = process.env): IndexedDeb[] {
  const chosen = resolveDebianBase(archive, env);
  fs.mkdirSync(workDir, { recursive: true });
  const status = path.join(workDir, 'empty-status');
  fs.writeFileSync(status, '');
  const apt = new PrivateApt(path.join(workDir, 'apt-base'), archive, status, env);
  apt.update();
  return indexed(apt, chosen);
}

/** Each chosen version as the archive's index describes it (file, sha256), or a refusal naming it. */
function indexed(apt: PrivateApt, chosen: Array<{ name: string; version: string; architecture: string }>): IndexedDeb[] {
  const shown = apt.show(chosen.map((c) => `${c.name}:${c.architecture}=${c.version}`));
  return chosen
    .map((c) => {
      const found = shown.find((s) => s.name === c.name && s.version === c.version && s.architecture === c.architecture);
      if (!found || !SHA256_HEX_PATTERN.test(found.sha256) || !DEB_FILE_PATTERN.test(path.posix.basename(found.filename)))
        throw imageFailure(
          'LYCHD603',
          `the archive's index has no usable entry (file, SHA256) for ${c.name} ${c.version} (${c.architecture})`,
        );
      return found;
    })
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/**
 * Resolves the requested packages on the base (its dpkg status) against the archive's current
 * indexes: every package apt would install, with its version, architecture, file and sha256.
 */
export function resolveDebianLock(opts: {
  archive: DebianArchive;
  /** The base built from `packages`: its dpkg status is what apt resolves on. */
  base: { record: BaseRecord; tar: string; packages: IndexedDeb[] };
  requested: string[];
  workDir: string;
  env?: NodeJS.ProcessEnv;
}): DebianLock {
  const { archive, base, requested, workDir } = opts;
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const status = path.join(workDir, 'status');
  fs.writeFileSync(status, runProgram('tar', ['-xOf', base.tar, './var/lib/dpkg/status'], { timeoutMs: 120_000 }).stdout);
  const apt = new PrivateApt(path.join(workDir, 'apt'), archive, status, opts.env);
  let packages: IndexedDeb[] = [];
  if (requested.length) {
    apt.update();
    packages = indexed(apt, apt.resolve(requested));
  }
  return {
    formatVersion: DEBIAN_LOCK_FORMAT,
    archive,
    base: { suite: base.record.ref, digest: base.record.digest, packages: base.packages },
    requested,
    packages,
  };
}

export function writeDebianLock(workspaceRoot: string, lock: DebianLock): boolean {
  const file = path.join(workspaceRoot, DEBIAN_LOCK_FILE);
  const text = canonicalJson(lock);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  replaceFileAtomic(file, text, `${path.basename(file)}.${process.pid}`);
  return true;
}

/**
 * Why the lock cannot be built on as it is: it asks for other packages than the manifest, or was
 * resolved on another base or suite (its reader refused any value that must not reach the
 * Containerfile). Every problem at once.
 */
export function lockProblems(
  workspaceRoot: string,
  lock: DebianLock | undefined,
  manifest: SynthesisManifest,
  /** The base built from the lock; undefined before it is built (only the lock's own shape is checked then). */
  base: BaseRecord | undefined,
  archive: DebianArchive,
): SynthesisProblem[] {
  const relock = `run \`${RELOCK_COMMAND}\` (${nxRun('forge', 'debian-lock', workspaceRoot)}), review ${DEBIAN_LOCK_FILE} and commit it`;
  const requested = requestedSpecs(manifest);
  if (!lock)
    return requested.length ? [{ code: 'LYCHD304', file: DEBIAN_LOCK_FILE, field: '(file)', message: 'is missing', fix: relock }] : [];
  const problems: SynthesisProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ code: 'LYCHD304', file: DEBIAN_LOCK_FILE, field, message, fix: relock });
  const recorded = manifest.debian?.sha256;
  const actual = debianLockDigest(workspaceRoot)?.sha256;
  if (recorded !== actual)
    problems.push({
      code: 'LYCHD304',
      file: MANIFEST_FILE,
      field: 'debian.sha256',
      message: `records ${recorded ?? 'no Debian lock'}, but ${DEBIAN_LOCK_FILE} is ${actual}`,
      fix: 'run `lychd-forge synthesize` (or `lychd-forge debian-lock`) and commit both',
    });
  if (canonicalJson(lock.requested) !== canonicalJson(requested))
    bad('requested', `locks ${JSON.stringify(lock.requested)} but the Synthesis Manifest asks for ${JSON.stringify(requested)}`);
  if (base && (lock.base.digest !== base.digest || lock.base.suite !== base.ref))
    bad('base', `was resolved on the base ${lock.base.suite} ${lock.base.digest}, but its packages now build ${base.ref} ${base.digest}`);
  // Another archive address (a mirror, a snapshot) is fine: every file is fetched and checked by its digest.
  if (lock.archive.suite !== archive.suite)
    bad('archive.suite', `was resolved against Debian ${lock.archive.suite}, but the base is ${archive.suite}`);
  return problems;
}

/**
 * Every locked `.deb` in the cache (`<cache>/debs/<sha256>.deb`), fetched from the archive when
 * absent and checked against its digest: the system layer's, and with `withBase` the base's too. A file the archive no longer serves, or serves with
 * other bytes, stops here (before any build step), naming the package, its locked version, what
 * the archive has now and the command that re-locks. Returns the cached files, by package.
 */
export async function fetchLockedDebs(
  lock: Pick<DebianLock, 'archive' | 'base' | 'packages'>,
  opts: {
    withBase?: boolean;
    cacheDir: string;
    workDir: string;
    /** Where to fetch from now: `[forge.debian] archive` or the machine's; default the lock's own. */
    archive?: DebianArchive;
    progress?: (line: string) => void;
    env?: NodeJS.ProcessEnv;
  },
): Promise<Map<IndexedDeb, string>> {
  const { cacheDir, workDir, archive = lock.archive, progress = () => {}, env = process.env } = opts;
  const packages = opts.withBase ? [...lock.base.packages, ...lock.packages] : lock.packages;
  const inBase = new Set(lock.base.packages);
  const dir = path.join(cacheDir, 'debs');
  fs.mkdirSync(dir, { recursive: true });
  const files = new Map<IndexedDeb, string>();
  const failed: Array<{ pkg: IndexedDeb; field: string; why: string }> = [];
  let fetched = 0;
  const checked = new CheckedDebs(dir);
  for (const pkg of packages) {
    const cached = path.join(dir, `${pkg.sha256}.deb`);
    if (await checked.holds(cached, pkg.sha256)) {
      files.set(pkg, cached);
      continue;
    }
    const got = await download(`${archive.uri}/${pkg.filename}`, cached, pkg.sha256);
    if (got) failed.push({ pkg, field: `${inBase.has(pkg) ? 'base.packages' : 'packages'}.${pkg.name}`, why: got });
    else {
      checked.remember(cached, pkg.sha256);
      files.set(pkg, cached);
      fetched++;
    }
  }
  checked.save();
  if (failed.length) throw archiveMoved(archive, failed, path.join(workDir, 'apt-now'), env);
  progress(`  ${packages.length} locked .deb file(s): ${fetched} fetched, ${packages.length - fetched} from the cache (${dir})`);
  return files;
}

/**
 * The cached .deb files whose sha256 was checked, remembered by each file's identity (checked.json
 * in the cache): a file is hashed again only when it changed since, not on every build (217 files,
 * 141 MB and a third of a second for the example).
 */
class CheckedDebs {
  private readonly file: string;
  private readonly known: Record<string, string>;
  private changed = false;

  constructor(dir: string) {
    this.file = path.join(dir, 'checked.json');
    let known: unknown;
    try {
      known = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      // none yet, or unreadable: every file is hashed once more
    }
    this.known = known && typeof known === 'object' && !Array.isArray(known) ? (known as Record<string, string>) : {};
  }

  /** The cached file is there and has this sha256. */
  async holds(file: string, sha256: string): Promise<boolean> {
    if (!fs.existsSync(file)) return false;
    const identity = fileIdentity(file);
    if (this.known[sha256] === identity) return true;
    if ((await fileSha256Streamed(file)) !== sha256) return false;
    // Remembered only if it did not change while it was hashed.
    if (fileIdentity(file) === identity) this.remember(file, sha256);
    return true;
  }

  /** A file whose bytes were just found to have this sha256. */
  remember(file: string, sha256: string): void {
    this.known[sha256] = fileIdentity(file);
    this.changed = true;
  }

  save(): void {
    if (!this.changed) return;
    const tmp = `.checked.json.tmp-${process.pid}`;
    try {
      // Another build's save may be replaced: its files are hashed once more, nothing else.
      replaceFileAtomic(this.file, JSON.stringify(this.known), tmp);
    } catch {
      fs.rmSync(path.join(path.dirname(this.file), tmp), { force: true });
    }
  }
}

/** Fetches one file into `to` when its sha256 is `sha256`; else says what went wrong. */
async function download(uri: string, to: string, locked: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    if (uri.startsWith('file:')) bytes = fs.readFileSync(fileURLToPath(uri.replace(/^file:(?!\/\/)/, 'file://')));
    else {
      const res = await fetch(uri);
      if (!res.ok) return `the archive answers ${res.status} ${res.statusText} for ${uri}`;
      bytes = Buffer.from(await res.arrayBuffer());
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `the archive has no file ${uri}` : `cannot fetch ${uri}: ${(e as Error).message}`;
  }
  const actual = sha256(bytes);
  if (actual !== locked) return `the archive's file ${uri} has sha256 ${actual}, not the locked ${locked}`;
  const partial = `${to}.${process.pid}.partial`;
  fs.writeFileSync(partial, bytes);
  fs.renameSync(partial, to);
  return undefined;
}

/** The refusal when the archive moved: per package, the locked version and what the archive's index has now. */
function archiveMoved(
  archive: DebianArchive,
  failed: Array<{ pkg: IndexedDeb; field: string; why: string }>,
  aptDir: string,
  env: NodeJS.ProcessEnv,
) {
  let now: IndexedDeb[] | undefined;
  try {
    const status = path.join(aptDir, 'status');
    fs.mkdirSync(aptDir, { recursive: true });
    fs.writeFileSync(status, '');
    const apt = new PrivateApt(path.join(aptDir, 'apt'), archive, status, env);
    apt.update();
    now = apt.show([...new Set(failed.map((f) => f.pkg.name))]);
  } catch {
    now = undefined; // the archive's index is unreadable too: say so below
  }
  const problems: SynthesisProblem[] = failed.map(({ pkg, field, why }) => {
    const versions = now?.filter((n) => n.name === pkg.name && n.architecture === pkg.architecture).map((n) => n.version);
    const has =
      now === undefined
        ? "the archive's index cannot be read"
        : versions?.length
          ? `the archive now has ${versions.join(', ')}`
          : 'the archive no longer has this package';
    return {
      code: 'LYCHD601',
      file: DEBIAN_LOCK_FILE,
      field,
      message: `${pkg.name} ${pkg.version} (${pkg.architecture}) is locked, but ${why}; ${has}`,
      fix: `re-lock against the archive as it is now: \`${RELOCK_COMMAND}\` (${nxRun('forge', 'debian-lock')}), review the change and commit it`,
    };
  });
  return imageFailure(
    'LYCHD601',
    `the Debian archive ${archive.uri} no longer serves ${failed.length} locked package file(s): nothing was built or tagged; the previous image and summary are unchanged`,
    problems,
  );
}

/**
 * `lychd-forge debian-lock`: resolves the manifest's system packages on the base against the
 * archive, writes the lock and records its digest in the Synthesis Manifest. With `check`,
 * writes nothing and says whether the committed lock is what the archive resolves to now.
 */
export async function lockDebianPackages(opts: {
  sources: ForgeSources;
  check: boolean;
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<{ lock: DebianLock; changed: boolean }> {
  const { sources, check, progress = () => {}, env = process.env } = opts;
  const spec = baseSpecOf(sources.prime.forge);
  if (spec.kind !== 'debian')
    throw imageFailure(
      'LYCHD600',
      `the Debian lock needs a Debian base the Forge builds ([forge.base] suite); the base image ${spec.ref} brings its own apt sources`,
    );
  const archive = debianArchiveOf(sources.prime.forge, env);
  const workDir = path.join(sources.workspaceRoot, WORK_DIR_DEBIAN);
  progress(
    `debian-lock: the base's packages (mmdebstrap ${DEBIAN_RECIPE.variant}, ${DEBIAN_RECIPE.include.join(', ')}) against ${archive.uri} ${archive.suite}`,
  );
  const basePackages = resolveBasePackages(archive, path.join(workDir, 'base'), env);
  const baseLock = { archive, base: { suite: spec.ref, digest: '', packages: basePackages }, packages: [] };
  const base = await ensureBase(spec, progress, env, {
    base: { suite: spec.ref, packages: basePackages },
    files: () => fetchLockedDebs(baseLock, { withBase: true, cacheDir: forgeCacheDir(env), workDir, progress, env }),
  });
  const requested = requestedSpecs(sources.manifest);
  progress(
    `debian-lock: ${requested.length} requested package(s) on the base ${base.record.digest} (${basePackages.length} packages), against ${archive.uri} ${archive.suite}`,
  );
  let lock: DebianLock;
  try {
    lock = resolveDebianLock({
      archive,
      base: { record: base.record, tar: base.tar!, packages: basePackages },
      requested,
      workDir: path.join(workDir, 'system'),
      env,
    });
  } catch (e) {
    if (!(e instanceof UnknownDebianPackages)) throw e;
    throw imageFailure(
      'LYCHD601',
      `${e.packages.length} system package(s) are not in ${archive.uri} ${archive.suite}: nothing was locked`,
      missingPackageProblems(e.packages, sources, base.record),
    );
  }
  // The machine's own archive is the machine's business: the lock names it by where it came from,
  // so the same lock comes out on every machine (files are checked by digest, whatever serves them).
  if (sources.prime.forge.debian.archive === undefined) lock = { ...lock, archive: { ...lock.archive, uri: MACHINE_ARCHIVE } };
  const file = path.join(sources.workspaceRoot, DEBIAN_LOCK_FILE);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const changed = current !== canonicalJson(lock);
  if (check) return { lock, changed };
  writeDebianLock(sources.workspaceRoot, lock);
  recordInManifest(sources.workspaceRoot);
  return { lock, changed };
}

/**
 * The workspace's base: a pinned image as it is, or the Debian base built from exactly the
 * committed lock's files. Every locked file (base and system layer) is fetched by digest first,
 * so an archive that moved is refused here, naming every package, before anything is built.
 */
export async function workspaceBase(
  sources: ForgeSources,
  progress: (line: string) => void = () => {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuiltBase> {
  const spec = baseSpecOf(sources.prime.forge);
  if (spec.kind !== 'debian') return ensureBase(spec, progress, env);
  const root = sources.workspaceRoot;
  const lock = readDebianLock(root);
  const archive = debianArchiveOf(sources.prime.forge, env);
  const problems = lock
    ? lockProblems(root, lock, sources.manifest, undefined, archive)
    : [
        {
          code: 'LYCHD304' as const,
          file: DEBIAN_LOCK_FILE,
          field: '(file)',
          message: `is missing: the Debian base ${spec.ref} is built from its locked packages`,
          fix: `run \`${RELOCK_COMMAND}\` (${nxRun('forge', 'debian-lock', root)}), review ${DEBIAN_LOCK_FILE} and commit it`,
        },
      ];
  if (!lock || problems.length)
    throw imageFailure(
      'LYCHD304',
      `the Debian lock does not match: ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was built`,
      problems,
    );
  return ensureBase(spec, progress, env, {
    base: { suite: lock.base.suite, packages: lock.base.packages },
    files: () =>
      fetchLockedDebs(lock, {
        withBase: true,
        cacheDir: forgeCacheDir(env),
        workDir: path.join(root, WORK_DIR_DEBIAN),
        archive,
        progress,
        env,
      }),
  });
}

/** The apt state the lock's resolution uses: the Forge's own work folder, gitignored. */
const WORK_DIR_DEBIAN = 'tmp/forge/debian-lock';

/** Writes the lock's digest into the committed Synthesis Manifest, as `synthesize` computes it. */
function recordInManifest(workspaceRoot: string): void {
  const file = path.join(workspaceRoot, MANIFEST_FILE);
  const { manifest } = readSynthesisManifest(workspaceRoot, file);
  manifest.debian = debianLockDigest(workspaceRoot);
  replaceFileAtomic(file, canonicalJson(manifest), `${path.basename(file)}.${process.pid}`);
}

/** The committed lock against what the archive resolves to now, package by package; changes nothing. */
export async function outdatedDebian(opts: {
  sources: ForgeSources;
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<Array<{ name: string; locked: string; newest: string }>> {
  const committed = readDebianLock(opts.sources.workspaceRoot);
  const { lock: now } = await lockDebianPackages({ ...opts, check: true });
  // The base's packages and the system layer's: both are built from the lock.
  const all = (l: Pick<DebianLock, 'base' | 'packages'> | undefined) => [...(l?.base?.packages ?? []), ...(l?.packages ?? [])];
  const before = new Map(all(committed).map((p) => [p.name, p.version]));
  const after = new Map(all(now).map((p) => [p.name, p.version]));
  return [...new Set([...before.keys(), ...after.keys()])].sort().flatMap((name) => {
    const locked = before.get(name) ?? '(not locked)';
    const newest = after.get(name) ?? '(no longer needed)';
    return locked === newest ? [] : [{ name, locked, newest }];
  });
}
