import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireTool, runProgram, toolVersion } from '../toolchain';
import { sha256 } from '../shared/digest';
import { describeCache, PackageCache } from './package-cache';
import type { ContainerfileData } from './containerfile';
import type { IndexedDeb } from '../artifacts/debian-lock';
import type { BaseRecord } from '../artifacts/base-record';
import { forgeCacheDir } from '../shared/forge-cache';
import { debFileName, debianArchiveOf, fetchLockedDebs } from './debian-lock';
import { Buildah } from './buildah';
import { CONTAINERFILE } from './containerfile';
import { linkOrCopy, stageBuildContext } from './build-context';
import { ensureNodeToolchain, fillNpmCache } from './node-toolchain';
import { imageFailure, lastLines } from './errors';
import { missingPackageProblems, missingPackages } from './missing-package';
import type { ForgeSources } from './inputs';
import { readLayout, writeLayout } from './oci-layout';
import { skopeoCopy, StageLayers } from './stage-layers';
import { currentContainerfile } from './render';
import { REF_NAME, summarizeLayout, SYNTHESIS_LABEL, writeImageSummary, type BuiltImage } from './summary';
import type { ImageSummary } from '../artifacts/image-summary';
import { nxRun } from '../nx/names';
import { acquireLock, releaseLock } from '../inscription/lock';

export { REF_NAME, SYNTHESIS_LABEL } from './summary';

/** Where `forge:image` writes: the contract the Rebirth Gate reads (docs/image.md). */
import { IMAGE_DIR } from '../artifacts/paths';
export { IMAGE_DIR };
/** The Forge's own buildah store and staged build context (gitignored, kept for the layer cache). */
export const WORK_DIR = 'tmp/forge';

export interface BuildOptions {
  workspaceRoot: string;
  sources: ForgeSources;
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * The Mundane path: the committed forge/Containerfile built by buildah from a staged build context,
 * pushed to an OCI layout, summarized. The result replaces dist/forge/image only when every step
 * succeeded; on any failure the previous image and summary stay, and nothing is tagged.
 */
export async function buildMundaneImage({
  workspaceRoot,
  sources,
  progress = () => {},
  env = process.env,
}: BuildOptions): Promise<ImageSummary> {
  const buildah = new Buildah(requireTool('buildah', { env }), path.join(workspaceRoot, WORK_DIR, 'buildah'), env);
  const builderVersion = toolVersion('buildah', { env });
  const skopeo = requireTool('skopeo', { env, workspaceRoot });
  const uv = requireTool('uv', { env, workspaceRoot });
  const lock = await lockWorkDir(workspaceRoot);
  try {
    // Only this build uses the Forge's own store now: what a killed or failed build left there
    // (working containers, their overlay mounts) is the Forge's and goes.
    buildah.run(['rm', '--all']);
    return await buildLocked(workspaceRoot, sources, { buildah, skopeo, builderVersion, uv }, progress, env);
  } finally {
    releaseLock(lock);
  }
}

/** One build at a time per workspace: they share the staged build context and the store. */
async function lockWorkDir(workspaceRoot: string) {
  const dir = path.join(workspaceRoot, WORK_DIR, 'lock');
  fs.mkdirSync(dir, { recursive: true });
  return acquireLock(dir, 0, { lock: "this workspace's image build lock", holder: 'image build' });
}

async function buildLocked(
  workspaceRoot: string,
  sources: ForgeSources,
  { buildah, skopeo, builderVersion, uv }: { buildah: Buildah; skopeo: string; builderVersion: string; uv: string },
  progress: (line: string) => void,
  env: NodeJS.ProcessEnv,
): Promise<ImageSummary> {
  const { manifest } = sources;

  progress('[1/5] base');
  const { text: rendered, data, base, lock: debianLock } = await currentContainerfile(workspaceRoot, sources, progress, env);
  const committed = path.join(workspaceRoot, CONTAINERFILE);
  if (!fs.existsSync(committed) || fs.readFileSync(committed, 'utf8') !== rendered)
    throw imageFailure(
      'LYCHD304',
      `${CONTAINERFILE} is not the render of the current template, manifest and base: run \`lychd-forge containerfile\` (${nxRun('forge', 'containerfile', workspaceRoot)}), review it, and build again`,
    );

  progress('[2/5] build context, Debian packages, uv and npm caches (filled on the host from the locks)');
  const work = path.join(workspaceRoot, WORK_DIR);
  // Before anything is built: a locked .deb the archive no longer serves stops here.
  const debs = debianLock
    ? await fetchLockedDebs(debianLock, {
        cacheDir: forgeCacheDir(env),
        workDir: work,
        archive: debianArchiveOf(sources.prime.forge, env),
        progress,
        env,
      })
    : new Map<IndexedDeb, string>();
  const buildContext = path.join(work, 'context');
  stageBuildContext({ workspaceRoot, dir: buildContext, data, containerfile: CONTAINERFILE, baseTar: base.tar, uv });
  fillUvCache({ uv, buildContext, data, venv: path.join(work, 'host-venv'), env, workspaceRoot, progress });
  // The host sync may leave build files beside the sources: lay them out again, as committed.
  stageBuildContext({ workspaceRoot, dir: buildContext, data, containerfile: CONTAINERFILE, baseTar: base.tar, uv });
  stageDebs(debs, path.join(buildContext, '.forge', 'debs'));
  if (data.node) {
    // The node stage's Node and npm, and the npm cache they install from offline: both on the host, once.
    const toolchain = path.join(buildContext, '.forge', 'node');
    ensureNodeToolchain({ cacheDir: forgeCacheDir(env), dir: toolchain, npm: requireTool('npm', { env, workspaceRoot }), env, progress });
    fillNpmCache({
      toolchainDir: toolchain,
      lockDir: path.join(buildContext, 'node'),
      cacheDir: path.join(buildContext, '.forge', 'npm-cache'),
      scratch: path.join(work, 'host-node'),
      env,
      progress,
    });
  }

  progress(
    `[3/5] buildah bud (buildah ${builderVersion}, ${data.systemPackages.length} system package(s), ${data.components.length} component(s), ${manifest.node.packages.length} Node package(s)${data.tailwind ? ', Tailwind CSS' : ''})`,
  );
  const out = path.join(workspaceRoot, IMAGE_DIR);
  const stages = new StageLayers(work, skopeoCopy(skopeo, buildah.storageRef, env), path.join(out, 'oci'));
  try {
    const imageId = await bud(buildah, buildContext, path.join(work, 'iid'), sources, base.record, progress, (line) => stages.onLine(line));

    progress('[4/5] system package versions');
    const systemPackages = installedVersions(
      buildah,
      imageId,
      manifest.system.map((p) => p.name),
    );

    await stages.settled();
    progress(`[5/5] OCI layout ${IMAGE_DIR}/oci (ref ${REF_NAME}; ${stages.copied} earlier stage(s) copied during the build)`);
    return publish(buildah, skopeo, out, imageId, env, [path.join(out, 'oci'), stages.dir], {
      strategy: 'mundane',
      base: { kind: base.record.kind, ref: base.record.ref, digest: base.record.digest },
      systemPackages,
      builder: { name: 'buildah', version: builderVersion },
      synthesis: sources.synthesis,
    });
  } finally {
    await stages.close();
  }
}

/** `buildah bud` of the staged build context, reproducibly, with a line of progress per step; the built image's id. */
async function bud(
  buildah: Buildah,
  buildContext: string,
  iidFile: string,
  sources: ForgeSources,
  base: BaseRecord,
  progress: (line: string) => void,
  watch: (line: string) => void,
): Promise<string> {
  fs.rmSync(iidFile, { force: true });
  const r = await buildah.stream(
    // prettier-ignore
    ['bud', '--isolation', 'chroot', '--timestamp', '0', '--identity-label=false', '--layers',
      // Every intermediate container goes, after a failed step too. Without it buildah keeps a stage
      // with no instruction (`system` when no extension asks for a system package) as a working
      // container, its overlay mounted in the workspace's tmp/.
      '--force-rm',
      // A Debian base comes from the build context; a pinned image may be pulled, once, by its digest.
      base.kind === 'debian' ? '--pull-never' : '--pull',
      '--label', `${SYNTHESIS_LABEL}=${sources.synthesis}`, '--iidfile', iidFile, '-f', path.join(buildContext, 'Containerfile'), buildContext],
    (line) => {
      watch(line);
      if (/^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: /.test(line)) progress(`  ${line.length > 120 ? `${line.slice(0, 117)}...` : line}`);
      else if (line.startsWith('--> Using cache')) progress('    (cached layer)');
    },
  );
  if (r.status !== 0) throw buildFailure(r.output, sources, base);
  return `sha256:${fs
    .readFileSync(iidFile, 'utf8')
    .trim()
    .replace(/^sha256:/, '')}`;
}

/**
 * Writes the image into an OCI layout in a staging folder beside `out` (reusing the layers the
 * layouts in `reuse` already hold), writes its summary there and only then replaces `out`: on any
 * failure the previous image and summary stay.
 */
function publish(
  buildah: Buildah,
  skopeo: string,
  out: string,
  imageId: string,
  env: NodeJS.ProcessEnv,
  reuse: string[],
  built: BuiltImage,
): ImageSummary {
  const staging = `${out}.staging`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const oci = path.join(staging, 'oci');
    writeLayout({ skopeo, source: buildah.storageRef(imageId), dir: oci, refName: REF_NAME, reuse, env });
    const layout = readLayout(oci, REF_NAME);
    if (layout.imageId !== imageId) throw imageFailure('LYCHD603', `the OCI layout holds ${layout.imageId}, but buildah built ${imageId}`);
    const summary = summarizeLayout(layout, built);
    writeImageSummary(staging, summary);
    replaceDir(staging, out);
    return summary;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The locked .deb files under their archive names, linked from the cache: the folder the system
 * step mounts. A link already there to the same file stays: linking changes the file's ctime, by
 * which the cache remembers it was checked (debian-lock.ts, CheckedDebs).
 */
function stageDebs(debs: Map<IndexedDeb, string>, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const wanted = new Map([...debs].map(([pkg, file]) => [debFileName(pkg), file]));
  for (const name of fs.readdirSync(dir)) {
    const from = wanted.get(name);
    if (from === undefined || !sameFile(path.join(dir, name), from)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  for (const [name, file] of wanted) if (!fs.existsSync(path.join(dir, name))) linkOrCopy(file, path.join(dir, name));
}

function sameFile(a: string, b: string): boolean {
  const [x, y] = [fs.lstatSync(a), fs.statSync(b)];
  return x.isFile() && x.dev === y.dev && x.ino === y.ino;
}

/**
 * `uv sync --frozen` on the host into a throwaway venv: fills the cache the build mounts. A new
 * build context starts from the Forge's seed for the same lock (package-cache.ts), and the sync
 * then downloads nothing; it still runs, since it builds the members from their current sources.
 */
function fillUvCache(opts: {
  uv: string;
  buildContext: string;
  data: ContainerfileData;
  venv: string;
  env: NodeJS.ProcessEnv;
  workspaceRoot: string;
  progress: (line: string) => void;
}): void {
  const { uv, buildContext, data, env } = opts;
  const deps = path.join(buildContext, 'deps');
  const manifests = [
    `${data.workspace}/pyproject.toml`,
    `${data.workspace}/uv.lock`,
    ...data.components.map((c) => `${c.path}/pyproject.toml`),
  ];
  const key = sha256(
    [
      toolVersion('uv', { env, workspaceRoot: opts.workspaceRoot }),
      data.python,
      ...manifests.flatMap((f) => [f, fs.readFileSync(path.join(deps, f), 'utf8')]),
    ].join('\n'),
  );
  const cache = new PackageCache(path.join(buildContext, '.forge', 'uv-cache'), 'uv', key, env);
  const state = cache.prepare();
  opts.progress(`  uv cache: ${describeCache(state, 'the index')}`);
  const r = runProgram(uv, ['sync', '--frozen', '--no-dev', '--python', `python${data.python}`], {
    cwd: path.join(buildContext, 'app', data.workspace),
    env: {
      ...env,
      UV_CACHE_DIR: cache.dir,
      UV_PROJECT_ENVIRONMENT: opts.venv,
      UV_PYTHON_DOWNLOADS: 'never',
      UV_NO_INSTALLER_METADATA: '1',
      UV_LINK_MODE: 'copy',
    },
    timeoutMs: 1_200_000,
  });
  if (r.status !== 0)
    throw imageFailure('LYCHD603', `filling the uv cache from ${data.workspace}/uv.lock failed (uv sync --frozen, exit ${r.status})`, [], {
      cause: [lastLines(r.stderr + r.stdout)],
      hint: `the host needs python${data.python} (the image's Python) and access to the lock's index, once; later builds use the cache`,
    });
  if (state === 'to fill') cache.markFilled();
}

/** `dpkg-query` inside the built image: the versions apt actually installed. */
function installedVersions(buildah: Buildah, imageId: string, names: string[]): Record<string, string> {
  if (!names.length) return {};
  const r = buildah.inside(imageId, ['dpkg-query', '-W', '-f', '${Package}\\t${Version}\\n', ...names], ['--user', '0:0']);
  if (r.status !== 0)
    throw imageFailure('LYCHD603', 'cannot read the installed system packages in the image', [], {
      cause: [lastLines(r.stdout + r.stderr)],
    });
  const versions: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const [name, version] = line.split('\t');
    if (name && version) versions[name] = version;
  }
  const unread = names.filter((n) => !(n in versions));
  if (unread.length)
    throw imageFailure('LYCHD603', `dpkg-query in the image gave no version for ${unread.join(', ')}`, [], {
      cause: [lastLines(r.stdout + r.stderr)],
    });
  return versions;
}

/** A failed build, said as what failed and why: a missing Debian package names who asked for it. */
function buildFailure(output: string, sources: ForgeSources, base: BaseRecord): ReturnType<typeof imageFailure> {
  const lines = output.trimEnd().split('\n');
  const missing = missingPackages(output);
  if (missing.length)
    return imageFailure(
      'LYCHD601',
      `the system packages cannot be installed: nothing was built or tagged`,
      missingPackageProblems(missing, sources, base),
    );
  const step = [...lines].reverse().find((l) => /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: /.test(l)) ?? '(before the first step)';
  return imageFailure(
    'LYCHD603',
    `the image build failed at ${step}; the previous image and summary are unchanged, nothing was tagged`,
    [],
    { cause: [lines.slice(-20).join('\n')] },
  );
}

/** Swaps a finished folder into place; the old one is removed only after the new one is there. */
function replaceDir(from: string, to: string): void {
  const old = `${to}.old`;
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(to)) fs.renameSync(to, old);
  fs.renameSync(from, to);
  fs.rmSync(old, { recursive: true, force: true });
}
