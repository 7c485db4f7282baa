import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyTree, readPlainFile } from '../shared/tree';
import type { ContainerfileData } from './containerfile';

/**
 * The build context, staged: exactly the files forge/Containerfile names, so nothing else of
 * the workspace (node_modules, .venv, caches) can reach the image or its layer cache keys.
 * The uv cache stays between builds; everything else is laid out anew.
 */
export function stageContext(opts: {
  workspaceRoot: string;
  dir: string;
  data: ContainerfileData;
  containerfile: string;
  baseTar?: string;
  uv: string;
}): void {
  const { workspaceRoot, dir, data } = opts;
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
}

function copyInto(from: string, to: string, rel: string): void {
  const target = path.join(to, rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, readPlainFile(path.join(from, rel)));
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}
