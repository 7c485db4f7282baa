import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PrimeScroll } from '../codex/schemas/prime';
import { canonicalJson, fileSha256Streamed, sha256 } from '../shared/digest';
import { requireTool, toolVersion } from '../toolchain';
import { runProgram, runProgramStreamed } from '../toolchain/run';
import { imageFailure } from './errors';
import { debianArchiveUri } from './mirror';

/** The base the image is built on, as `[forge.base]` asks for it. */
export type BaseSpec = { kind: 'debian'; ref: string } | { kind: 'image'; ref: string };

/** What `forge:base` records in dist/forge/base/base.json (and image.json's `base`). */
export interface BaseRecord {
  kind: 'debian' | 'image';
  /** The suite, or the image reference with its digest. */
  ref: string;
  /** sha256 of the base tar (Debian) or the pinned manifest digest (image). */
  digest: string;
  /** `major.minor` of the base's python3, when the Forge can read it without a registry. */
  python?: string;
}

export const BASE_RECORD_FILE = 'dist/forge/base/base.json';

export function baseSpecOf(forge: PrimeScroll['forge']): BaseSpec {
  return forge.base.image !== undefined
    ? { kind: 'image', ref: forge.base.image }
    : { kind: 'debian', ref: forge.base.suite ?? 'bookworm' };
}

/**
 * How a Debian base is built: Debian's own recipe for its images (minbase, no docs or locales,
 * no machine identity), with every mtime clamped to the epoch so two runs against the same
 * archive state give the same bytes. python3 for the core, ca-certificates for its HTTPS.
 */
export const DEBIAN_RECIPE = {
  variant: 'minbase',
  include: ['ca-certificates', 'python3'],
  sourceDateEpoch: 0,
  dpkgopt: [
    'path-exclude=/usr/share/man/*',
    'path-exclude=/usr/share/locale/*',
    'path-exclude=/usr/share/doc/*',
    'path-include=/usr/share/doc/*/copyright',
  ],
  customizeHook: 'rm -f "$1"/etc/resolv.conf "$1"/etc/hostname',
} as const;

/**
 * Where built bases are kept between runs and workspaces, keyed by everything that goes into
 * them: outside git and outside Nx's cache, since one is 170 MB and every clone builds the same.
 */
export function forgeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LYCHD_FORGE_CACHE) return path.resolve(env.LYCHD_FORGE_CACHE);
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lychd-forge');
}

export interface BuiltBase {
  record: BaseRecord;
  /** The root filesystem tar of a Debian base; absent for an image base. */
  tar?: string;
}

/** The base for a spec: a pinned image as it is, a Debian suite from the cache or built now. */
export async function ensureBase(
  spec: BaseSpec,
  progress: (line: string) => void = () => {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuiltBase> {
  if (spec.kind === 'image') return { record: { kind: 'image', ref: spec.ref, digest: spec.ref.slice(spec.ref.lastIndexOf('@') + 1) } };
  return ensureDebianBase(spec.ref, progress, env);
}

async function ensureDebianBase(suite: string, progress: (line: string) => void, env: NodeJS.ProcessEnv): Promise<BuiltBase> {
  const mirror = debianArchiveUri(env);
  if (!mirror)
    throw imageFailure(
      `cannot build the Debian base "${suite}": no Debian archive in /etc/apt/sources.list{,.d}. ` +
        'Set LYCHD_DEBIAN_MIRROR to a Debian mirror URL, or set [forge.base] image to a base image pinned by digest.',
    );
  const mmdebstrap = requireTool('mmdebstrap', { env });
  const key = sha256(canonicalJson({ recipe: DEBIAN_RECIPE, suite, mirror, mmdebstrap: toolVersion('mmdebstrap', { env }) })).slice(0, 32);
  const dir = path.join(forgeCacheDir(env), 'base', key);
  const tar = path.join(dir, 'base.tar');
  const recordFile = path.join(dir, 'base.json');
  if (fs.existsSync(recordFile) && fs.existsSync(tar)) {
    progress(`base: debian ${suite} from the cache (${dir})`);
    return { record: JSON.parse(fs.readFileSync(recordFile, 'utf8')) as BaseRecord, tar };
  }
  if (process.getuid?.() !== 0)
    throw imageFailure(
      `cannot build the Debian base "${suite}": mmdebstrap --mode=root needs root. ` +
        'Run the Forge as root, or set [forge.base] image to a base image pinned by digest.',
    );
  fs.mkdirSync(dir, { recursive: true });
  const partial = fs.mkdtempSync(path.join(dir, '.building-'));
  try {
    const out = path.join(partial, 'base.tar');
    const args = [
      '--mode=root',
      `--variant=${DEBIAN_RECIPE.variant}`,
      `--include=${DEBIAN_RECIPE.include.join(',')}`,
      ...DEBIAN_RECIPE.dpkgopt.map((o) => `--dpkgopt=${o}`),
      `--customize-hook=${DEBIAN_RECIPE.customizeHook}`,
      suite,
      out,
      mirror,
    ];
    progress(`base: mmdebstrap ${suite} from ${mirror} (a minute or two)`);
    const r = await runProgramStreamed(mmdebstrap, args, {
      env: { ...env, SOURCE_DATE_EPOCH: String(DEBIAN_RECIPE.sourceDateEpoch) },
      onLine: (l) => l.startsWith('I: ') && progress(`  ${l}`),
    });
    if (r.status !== 0) {
      const tail = r.output.trimEnd().split('\n').slice(-15).join('\n    ');
      throw imageFailure(
        `mmdebstrap could not build the Debian base "${suite}" (exit ${r.status}); its last lines:\n    ${tail}\n  fix: check the suite name and that ${mirror} is reachable`,
      );
    }
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

/** The Python of a root filesystem tar: where /usr/bin/python3 points (`python3.11` → `3.11`). */
function pythonInTar(tar: string): string | undefined {
  const r = runProgram('tar', ['-tvf', tar, './usr/bin/python3']);
  return /->\s*python(\d+\.\d+)\s*$/m.exec(r.stdout)?.[1];
}
