import * as fs from 'node:fs';
import { CSS_TAKEN, takenByCss } from './tailwind-build';
import * as path from 'node:path';
import { copyTree, readPlainFile } from '../artifacts/tree';
import type { ContainerfileData } from './containerfile';
import { imageFailure } from './errors';

/**
 * The build context, staged: exactly the files forge/Containerfile names, so nothing else of
 * the workspace (node_modules, .venv, caches) can reach the image or its layer cache keys.
 * The uv and npm caches and the unpacked Node toolchain stay between builds; everything else is
 * laid out anew.
 */
export function stageBuildContext(opts: {
  workspaceRoot: string;
  dir: string;
  data: ContainerfileData;
  containerfile: string;
  baseTar?: string;
  uv: string;
}): void {
  const { workspaceRoot, dir, data } = opts;
  // The runner writes the built CSS into the components: a file of theirs there would be overwritten.
  const taken = takenByCss(workspaceRoot, data.tailwind?.shipTo ?? []);
  if (taken.length)
    throw imageFailure(
      'LYCHD600',
      'the image ships the built Tailwind CSS where a component already has a file; nothing was built:',
      taken.map((file) => ({ code: 'LYCHD600', file, field: '(file)', ...CSS_TAKEN })),
    );
  fs.mkdirSync(path.join(dir, '.forge', 'uv-cache'), { recursive: true });
  for (const entry of fs.readdirSync(dir)) if (entry !== '.forge') fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  fs.rmSync(path.join(dir, '.forge', 'uv'), { force: true });
  fs.copyFileSync(fs.realpathSync(opts.uv), path.join(dir, '.forge', 'uv'));
  fs.chmodSync(path.join(dir, '.forge', 'uv'), 0o755);
  fs.copyFileSync(path.join(workspaceRoot, opts.containerfile), path.join(dir, 'Containerfile'));
  if (opts.baseTar) linkOrCopy(opts.baseTar, path.join(dir, 'base.tar'));
  // deps/ changes only with the lock or a member's pyproject.toml: its layer survives source edits.
  for (const file of ['pyproject.toml', 'uv.lock']) copyInto(workspaceRoot, path.join(dir, 'deps'), `${data.workspace}/${file}`);
  for (const c of data.components) copyInto(workspaceRoot, path.join(dir, 'deps'), `${c.path}/pyproject.toml`);
  for (const file of ['pyproject.toml', 'uv.lock']) copyInto(workspaceRoot, path.join(dir, 'app'), `${data.workspace}/${file}`);
  // The tree walker's rule: plain files only, each with the mode the manifest's treeSha256 hashed.
  for (const c of data.components) copyTree(path.join(workspaceRoot, c.path), path.join(dir, 'app', c.path));
  // node/: the npm lock alone, so its layer changes only with the lock; tailwind/: the merged config.
  if (data.node)
    for (const file of ['package.json', 'package-lock.json'])
      copyInto(path.join(workspaceRoot, data.node.dir), path.join(dir, 'node'), file);
  if (data.tailwind)
    copyInto(path.join(workspaceRoot, data.tailwind.configDir), path.join(dir, 'tailwind'), path.posix.basename(data.tailwind.config));
}

function copyInto(from: string, to: string, rel: string): void {
  const target = path.join(to, rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, readPlainFile(path.join(from, rel)));
}

/** A hard link where the file system allows one, else a copy. */
export function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}
