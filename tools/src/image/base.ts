import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PrimeScroll } from '../codex';
import { canonicalJson, fileSha256Streamed, sha256 } from '../shared/digest';
import { forgeCacheDir } from '../shared/forge-cache';
import { requireTool, runProgram, runProgramStreamed, toolVersion } from '../toolchain';
import { imageFailure, lastLines } from './errors';
import { installsIn, parseStanzas } from './apt';
import type { DebianArchive, IndexedDeb } from '../artifacts/debian-lock';
import { readBaseRecord, type BaseRecord } from '../artifacts/base-record';

/** The base the image is built on, as `[forge.base]` asks for it. */
export type BaseSpec = { kind: 'debian'; ref: string } | { kind: 'image'; ref: string };

import { BASE_RECORD_FILE } from '../artifacts/paths';
export { BASE_RECORD_FILE };

/** What to do when the base built from the lock is not what the lock says. */
const RELOCK_HINT = 're-lock (`lychd-forge debian-lock`), review forge/synthesis/debian.lock.json and commit it';

export function baseSpecOf(forge: PrimeScroll['forge']): BaseSpec {
  return forge.base.image !== undefined
    ? { kind: 'image', ref: forge.base.image }
    : { kind: 'debian', ref: forge.base.suite ?? 'bookworm' };
}

/**
 * How a Debian base is built: Debian's own recipe for its images (minbase, no docs or locales,
 * no machine identity), with every mtime clamped to the epoch so two runs from the same locked
 * `.deb` files give the same bytes. python3 for the core, ca-certificates for its HTTPS.
 */
export const DEBIAN_RECIPE = {
  variant: 'minbase',
  // apt is in minbase already (Debian's index gives it priority required); named so that an archive
  // whose index has only the files' own priorities (apt-ftparchive's, a local or test archive)
  // resolves the same base.
  include: ['apt', 'ca-certificates', 'python3'],
  sourceDateEpoch: 0,
  dpkgopt: [
    'path-exclude=/usr/share/man/*',
    'path-exclude=/usr/share/locale/*',
    'path-exclude=/usr/share/doc/*',
    'path-include=/usr/share/doc/*/copyright',
  ],
  // No apt sources either: the base is the lock's files, whichever archive or mirror served them.
  customizeHook: 'rm -f "$1"/etc/resolv.conf "$1"/etc/hostname "$1"/etc/apt/sources.list',
} as const;

export interface BuiltBase {
  record: BaseRecord;
  /** The root filesystem tar of a Debian base; absent for an image base. */
  tar?: string;
}

/** A Debian base as the Debian lock has it: the suite and every `.deb` installed in it. */
export interface LockedBase {
  suite: string;
  packages: IndexedDeb[];
}

/** The base for a spec: a pinned image as it is; a Debian suite from exactly the locked `.deb` files (cached, or built now). */
export async function ensureBase(
  spec: BaseSpec,
  progress: (line: string) => void = () => {},
  env: NodeJS.ProcessEnv = process.env,
  debian?: { base: LockedBase; files: () => Promise<Map<IndexedDeb, string>> },
): Promise<BuiltBase> {
  if (spec.kind === 'image') return { record: { kind: 'image', ref: spec.ref, digest: spec.ref.slice(spec.ref.lastIndexOf('@') + 1) } };
  if (!debian)
    throw imageFailure('LYCHD304', `the Debian base "${spec.ref}" is built from the Debian lock: run \`lychd-forge debian-lock\` first`);
  return ensureDebianBase(debian.base, debian.files, progress, env);
}

/** The archive as one mmdebstrap argument (a sources line): plain URL and name characters only, so nothing else rides along. */
function mirrorLine(archive: DebianArchive): string {
  const { uri, suite, components } = archive;
  if (
    !/^(https?|file|copy):[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$/.test(uri) ||
    ![suite, ...components].every((c) => /^[a-z0-9][a-z0-9.-]*$/.test(c))
  )
    throw imageFailure(
      'LYCHD600',
      `the Debian archive ${JSON.stringify(`${uri} ${suite}`)} is not a plain archive address and suite: fix [forge.debian] archive`,
    );
  // A local (file:, copy:) archive is the user's own folder: it need not be signed.
  return `deb ${/^(file|copy):/.test(uri) ? '[trusted=yes] ' : ''}${uri} ${suite} ${components.join(' ')}`;
}

/**
 * mmdebstrap's own answer to "which packages make this base", against the archive as it is now,
 * without building anything (`--simulate`): the recipe's variant and includes, every package once.
 */
export function resolveDebianBase(
  archive: DebianArchive,
  env: NodeJS.ProcessEnv = process.env,
): Array<{ name: string; version: string; architecture: string }> {
  const mmdebstrap = requireTool('mmdebstrap', { env });
  const r = runProgram(
    mmdebstrap,
    [
      '--simulate',
      // --verbose: apt's own transcript, whose Inst lines name what it would install.
      '--verbose',
      '--mode=root',
      `--variant=${DEBIAN_RECIPE.variant}`,
      `--include=${DEBIAN_RECIPE.include.join(',')}`,
      archive.suite,
      '/dev/null',
      mirrorLine(archive),
    ],
    { env: { ...env, LC_ALL: 'C' }, timeoutMs: 600_000 },
  );
  const installs = installsIn(r.stdout + r.stderr);
  if (r.status !== 0 || !installs.length) {
    throw imageFailure(
      'LYCHD600',
      `mmdebstrap cannot resolve the Debian base "${archive.suite}" against ${archive.uri} (exit ${r.status})`,
      [],
      {
        cause: [lastLines(r.stdout + r.stderr)],
        hint: 'check the suite name and that the archive is reachable',
      },
    );
  }
  return installs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The base from exactly the locked `.deb` files: a local archive of them (apt-ftparchive) is the
 * only source mmdebstrap sees, so the base has these packages or the build stops; what it
 * installed is then checked against the lock. Cached by the files' digests.
 */
async function ensureDebianBase(
  locked: LockedBase,
  files: () => Promise<Map<IndexedDeb, string>>,
  progress: (line: string) => void,
  env: NodeJS.ProcessEnv,
): Promise<BuiltBase> {
  const suite = locked.suite;
  const mmdebstrap = requireTool('mmdebstrap', { env });
  const debs = locked.packages.map((p) => p.sha256).sort();
  const key = sha256(canonicalJson({ recipe: DEBIAN_RECIPE, suite, debs, mmdebstrap: toolVersion('mmdebstrap', { env }) })).slice(0, 32);
  const dir = path.join(forgeCacheDir(env), 'base', key);
  const tar = path.join(dir, 'base.tar');
  const recordFile = path.join(dir, 'base.json');
  if (fs.existsSync(recordFile) && fs.existsSync(tar)) {
    progress(`base: debian ${suite} from the cache (${dir})`);
    return { record: readBaseRecord(recordFile, { regenerate: `remove ${dir} to build the base afresh` }), tar };
  }
  if (process.getuid?.() !== 0)
    throw imageFailure(
      'LYCHD603',
      `cannot build the Debian base "${suite}": mmdebstrap --mode=root needs root. ` +
        'Run the Forge as root, or set [forge.base] image to a base image pinned by digest.',
    );
  const fetched = await files();
  fs.mkdirSync(dir, { recursive: true });
  const partial = fs.mkdtempSync(path.join(dir, '.building-'));
  try {
    const archive = localArchive(path.join(partial, 'archive'), suite, locked.packages, fetched);
    const out = path.join(partial, 'base.tar');
    const args = [
      '--mode=root',
      `--variant=${DEBIAN_RECIPE.variant}`,
      // Every locked package by name: the local archive's index has the files' own priorities, not
      // the archive's overrides (apt is "important" in its .deb, "required" in Debian's index), so
      // minbase alone would leave apt out.
      `--include=${locked.packages.map((p) => p.name).join(',')}`,
      ...DEBIAN_RECIPE.dpkgopt.map((o) => `--dpkgopt=${o}`),
      `--customize-hook=${DEBIAN_RECIPE.customizeHook}`,
      suite,
      out,
      // copy: (not file:) so apt copies the files into the chroot, which cannot see the cache.
      mirrorLine({ uri: `copy:${archive}`, suite, components: ['main'] }),
    ];
    progress(`base: mmdebstrap ${suite} from the ${locked.packages.length} locked .deb file(s) (a minute or two)`);
    const r = await runProgramStreamed(mmdebstrap, args, {
      env: { ...env, SOURCE_DATE_EPOCH: String(DEBIAN_RECIPE.sourceDateEpoch) },
      onLine: (l) => l.startsWith('I: ') && progress(`  ${l}`),
    });
    if (r.status !== 0) {
      throw imageFailure(
        'LYCHD603',
        `mmdebstrap could not build the Debian base "${suite}" from the locked packages (exit ${r.status})`,
        [],
        {
          cause: [lastLines(r.output)],
          hint: RELOCK_HINT,
        },
      );
    }
    checkInstalled(out, locked.packages);
    const record: BaseRecord = { kind: 'debian', ref: suite, digest: `sha256:${await fileSha256Streamed(out)}`, python: pythonInTar(out) };
    fs.writeFileSync(path.join(partial, 'base.json'), canonicalJson(record));
    fs.rmSync(tar, { force: true });
    fs.rmSync(recordFile, { force: true });
    fs.renameSync(out, tar);
    fs.renameSync(path.join(partial, 'base.json'), recordFile);
    progress(`base: debian ${suite} ${record.digest} (Python ${record.python ?? 'none'})`);
    return { record, tar };
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
}

/** A Debian archive in `dir` holding exactly `packages` (their cached files), indexed by apt-ftparchive. */
function localArchive(dir: string, suite: string, packages: IndexedDeb[], files: Map<IndexedDeb, string>): string {
  const pool = path.join(dir, 'pool');
  fs.mkdirSync(pool, { recursive: true });
  for (const p of packages) {
    const file = files.get(p);
    if (!file) throw imageFailure('LYCHD603', `the locked base package ${p.name} ${p.version} has no fetched file`);
    fs.copyFileSync(file, path.join(pool, path.posix.basename(p.filename)));
  }
  const arch = runProgram('dpkg', ['--print-architecture']).stdout.trim();
  const dists = path.join(dir, 'dists', suite);
  const bin = path.join(dists, 'main', `binary-${arch}`);
  fs.mkdirSync(bin, { recursive: true });
  const ftparchive = (args: string[]) => {
    const r = runProgram('apt-ftparchive', args, { cwd: dir, timeoutMs: 600_000 });
    if (r.status !== 0)
      throw imageFailure('LYCHD801', `apt-ftparchive ${args.at(-1)} failed in ${dir}: ${r.stderr.trim()} (apt-get install apt-utils)`);
    return r.stdout;
  };
  fs.writeFileSync(path.join(bin, 'Packages'), ftparchive(['packages', 'pool']));
  const o = (k: string, v: string) => ['-o', `APT::FTPArchive::Release::${k}=${v}`];
  const release = ftparchive([
    ...o('Suite', suite),
    ...o('Codename', suite),
    ...o('Architectures', arch),
    ...o('Components', 'main'),
    'release',
    `dists/${suite}`,
  ]);
  fs.writeFileSync(path.join(dists, 'Release'), release);
  return dir;
}

/** The base must hold exactly the locked packages: what mmdebstrap installed beyond or short of them stops the build. */
function checkInstalled(tar: string, locked: IndexedDeb[]): void {
  const id = (p: { name: string; version: string; architecture: string }) => `${p.name}:${p.architecture}=${p.version}`;
  const installed = new Set(installedInTar(tar).map(id));
  const wanted = new Set(locked.map(id));
  const extra = [...installed].filter((p) => !wanted.has(p));
  const absent = [...wanted].filter((p) => !installed.has(p));
  if (extra.length || absent.length)
    throw imageFailure(
      'LYCHD603',
      `the Debian base built from the lock does not hold exactly the locked packages: ` +
        [
          extra.length ? `installed but not locked: ${extra.join(', ')}` : '',
          absent.length ? `locked but not installed: ${absent.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      [],
      { hint: RELOCK_HINT },
    );
}

/** The packages dpkg has installed in a root filesystem tar, sorted by name. */
export function installedInTar(tar: string): Array<{ name: string; version: string; architecture: string }> {
  const status = runProgram('tar', ['-xOf', tar, './var/lib/dpkg/status'], { timeoutMs: 120_000 });
  if (status.status !== 0) throw imageFailure('LYCHD603', `cannot read var/lib/dpkg/status in the base ${tar}: ${status.stderr.trim()}`);
  return parseStanzas(status.stdout)
    .filter((s) => /\binstalled$/.test(s.Status ?? ''))
    .map((s) => ({ name: s.Package ?? '', version: s.Version ?? '', architecture: s.Architecture ?? '' }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The Python of a root filesystem tar: where /usr/bin/python3 points (`python3.11` → `3.11`). */
function pythonInTar(tar: string): string | undefined {
  const r = runProgram('tar', ['-tvf', tar, './usr/bin/python3']);
  return /->\s*python(\d+\.\d+)\s*$/m.exec(r.stdout)?.[1];
}
