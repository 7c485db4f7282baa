import {
  buildImage,
  CONTAINERFILE,
  DEBIAN_LOCK_FILE,
  IMAGE_DIR,
  lockDebianPackages,
  outdatedDebian,
  readForgeSources,
  writeContainerfile,
} from '../image';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { outdatedNode, outdatedPython, type Outdated } from '../synthesis/outdated';
import { checked, type Outcome } from '../report';
import { unifiedDiff } from '../shared/diff';
import type { CommonPaths } from './paths';

type Progress = (line: string) => void;

/** `lychd-forge containerfile [--check]` and `forge:containerfile` (and its check): render forge/Containerfile, or check it is current. */
export async function runContainerfile(paths: CommonPaths, check: boolean, progress: Progress): Promise<Outcome> {
  const sources = readForgeSources(paths.workspaceRoot, paths.codexDir);
  const r = await writeContainerfile(paths.workspaceRoot, sources, check, progress);
  if (!check) return { ok: true, summary: `${r.changed ? 'wrote' : 'unchanged:'} ${CONTAINERFILE}` };
  const diff = unifiedDiff(
    { label: `${CONTAINERFILE} (committed)`, text: r.committed },
    { label: `${CONTAINERFILE} (expected)`, text: r.text },
  );
  const reason = `${r.committed === undefined ? 'is missing' : 'differs from what its template and the Synthesis Manifest produce'}; run \`lychd-forge containerfile\` and commit it`;
  return checked(r.ok ? [] : [{ file: CONTAINERFILE, reason, diff }], `${CONTAINERFILE} is current.`);
}

/** `lychd-forge image`: build the image of the workspace into dist/forge/image, stage by stage. */
export async function runImage(paths: CommonPaths, progress: Progress): Promise<Outcome> {
  const sources = readForgeSources(paths.workspaceRoot, paths.codexDir);
  const started = Date.now();
  const s = await buildImage({ workspaceRoot: paths.workspaceRoot, sources, progress });
  return {
    ok: true,
    lines: [
      `image ${s.imageId}`,
      `  manifest ${s.manifestDigest}, ${s.diffIds.length} layers, built by ${s.builder.name} ${s.builder.version} ` +
        `in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      `  ${IMAGE_DIR}/oci (ref ${s.refName}) and ${IMAGE_DIR}/image.json`,
    ],
  };
}

/** `lychd-forge debian-lock [--check]`: lock the system packages' .deb files, or check the lock is what the archive resolves to. */
export async function runDebianLock(paths: CommonPaths, check: boolean, progress: Progress): Promise<Outcome> {
  const sources = readForgeSources(paths.workspaceRoot, paths.codexDir);
  const { lock, changed } = await lockDebianPackages({ sources, check, progress });
  const list = lock.packages.map((p) => `  ${p.name} ${p.version} ${p.architecture} sha256:${p.sha256.slice(0, 12)}…`);
  if (check && changed)
    return {
      ok: false,
      summary: [
        `${DEBIAN_LOCK_FILE} is not what the archive resolves to now: run \`lychd-forge debian-lock\`, review it and commit it.`,
        ...list,
      ].join('\n'),
    };
  const verb = check ? 'current:' : changed ? 'wrote' : 'unchanged:';
  return {
    ok: true,
    lines: [`${verb} ${DEBIAN_LOCK_FILE} (${lock.packages.length} package(s) on the base's ${lock.base.packages.length})`, ...list],
  };
}

/**
 * `lychd-forge outdated`: for Python, Node and Debian, each locked version the indexes would now
 * replace within the constraints (and `[forge] resolve_before`); writes nothing.
 */
export async function runOutdated(paths: CommonPaths): Promise<Outcome> {
  const sources = readForgeSources(paths.workspaceRoot, paths.codexDir);
  const root = paths.workspaceRoot;
  const rows: Outdated[] = [...(await outdatedPython(root)), ...(await outdatedNode(root, sources.prime.forge.resolve_before))];
  const debian = sources.prime.forge.base.image === undefined && fs.existsSync(path.join(root, DEBIAN_LOCK_FILE));
  if (debian) rows.push(...(await outdatedDebian({ sources })).map((r) => ({ ecosystem: 'debian' as const, ...r })));
  const pin = sources.prime.forge.resolve_before;
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  return {
    ok: true,
    lines: [
      `locked versions and the newest the indexes offer within the constraints${pin ? ` (as of ${pin})` : ''}:`,
      ...(rows.length ? [] : ['  everything is at the newest version']),
      ...rows.map((r) => `  ${r.ecosystem.padEnd(6)}  ${r.name.padEnd(width)}  ${r.locked} -> ${r.newest}`),
      ...(debian ? [] : [`  (Debian: no ${DEBIAN_LOCK_FILE}, or a base image brings its own packages)`]),
    ],
  };
}
