import { buildImage, CONTAINERFILE, IMAGE_DIR, readForgeSources, writeContainerfile } from '../forge';
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
