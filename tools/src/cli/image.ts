import { buildImage, CONTAINERFILE, IMAGE_DIR, readForgeSources, writeContainerfile } from '../forge';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEBIAN_LOCK_FILE, lockDebianPackages, outdatedDebian } from '../forge/debian-lock';
import { outdatedNode, outdatedPython, type Outdated } from '../synthesis/outdated';
import type { CommonPaths } from './paths';

type Out = { write(s: string): unknown };

/** `lychd-forge containerfile [--check]`: render forge/Containerfile, or check it is current. */
export async function runContainerfile(
  paths: CommonPaths,
  check: boolean,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  const sources = readForgeSources(paths.workspaceRoot, paths.codexDir);
  const r = await writeContainerfile(paths.workspaceRoot, sources, check, (l) => out.write(`${l}\n`));
  if (!r.ok) {
    err.write(`${CONTAINERFILE} is not current: run \`lychd-forge containerfile\` and commit it.\n`);
    return 1;
  }
  out.write(check ? `${CONTAINERFILE} is current.\n` : `${r.changed ? 'wrote' : 'unchanged:'} ${CONTAINERFILE}\n`);
  return 0;
}

/** `lychd-forge image`: build the image of the workspace into dist/forge/image, stage by stage. */
export async function runImage(paths: CommonPaths, out: Out = process.stdout): Promise<number> {
  const sources = readForgeSources(paths.workspaceRoot, paths.codexDir);
  const started = Date.now();
  const s = await buildImage({ workspaceRoot: paths.workspaceRoot, sources, progress: (l) => out.write(`${l}\n`) });
  out.write(
    `image ${s.imageId}\n  manifest ${s.manifestDigest}, ${s.diffIds.length} layers, built by ${s.builder.name} ${s.builder.version} ` +
      `in ${((Date.now() - started) / 1000).toFixed(0)} s\n  ${IMAGE_DIR}/oci (ref ${s.refName}) and ${IMAGE_DIR}/image.json\n`,
  );
  return 0;
}

/** `lychd-forge debian-lock [--check]`: lock the system packages' .deb files, or check the lock is what the archive resolves to. */
export async function runDebianLock(
  paths: CommonPaths,
  check: boolean,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  const sources = readForgeSources(paths.workspaceRoot, paths.codexDir);
  const { lock, changed } = await lockDebianPackages({ sources, check, progress: (l) => out.write(`${l}\n`) });
  const list = lock.packages.map((p) => `  ${p.name} ${p.version} ${p.architecture} sha256:${p.sha256.slice(0, 12)}…`).join('\n');
  if (check && changed) {
    err.write(
      `${DEBIAN_LOCK_FILE} is not what the archive resolves to now: run \`lychd-forge debian-lock\`, review it and commit it.\n${list}\n`,
    );
    return 1;
  }
  out.write(
    `${check ? 'current:' : changed ? 'wrote' : 'unchanged:'} ${DEBIAN_LOCK_FILE} (${lock.packages.length} package(s) on the base's ${lock.base.packages.length})\n${list}\n`,
  );
  return 0;
}

/**
 * `lychd-forge outdated`: for Python, Node and Debian, each locked version the indexes would now
 * replace within the constraints (and `[forge] resolve_before`); writes nothing.
 */
export async function runOutdated(paths: CommonPaths, out: Out = process.stdout): Promise<number> {
  const sources = readForgeSources(paths.workspaceRoot, paths.codexDir);
  const root = paths.workspaceRoot;
  const rows: Outdated[] = [...(await outdatedPython(root)), ...(await outdatedNode(root, sources.prime.forge.resolve_before))];
  const debian = sources.prime.forge.base.image === undefined && fs.existsSync(path.join(root, DEBIAN_LOCK_FILE));
  if (debian) rows.push(...(await outdatedDebian({ sources })).map((r) => ({ ecosystem: 'debian' as const, ...r })));
  const pin = sources.prime.forge.resolve_before;
  out.write(`locked versions and the newest the indexes offer within the constraints${pin ? ` (as of ${pin})` : ''}:\n`);
  if (!rows.length) out.write('  everything is at the newest version\n');
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  for (const r of rows) out.write(`  ${r.ecosystem.padEnd(6)}  ${r.name.padEnd(width)}  ${r.locked} -> ${r.newest}\n`);
  if (!debian) out.write(`  (Debian: no ${DEBIAN_LOCK_FILE}, or a base image brings its own packages)\n`);
  return 0;
}
