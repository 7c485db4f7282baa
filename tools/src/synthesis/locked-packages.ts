import * as fs from 'node:fs';
import * as path from 'node:path';
import { byCodePoint } from '../shared/order';
import { fileSha256 } from '../shared/digest';
import { treeSha256 } from '../artifacts/tree';
import { PYTHON_DIR } from '../artifacts/paths';
import { abs, toPosix } from '../shared/workspace-path';
import type { NodePackage, PythonArtifact, PythonPackage } from '../artifacts/synthesis-manifest';

const LOCAL_SOURCES = ['editable', 'directory', 'virtual', 'path'];

/** The packages uv.lock pins, sorted, with local paths made workspace-relative and local trees hashed. */
export function pythonPackages(workspaceRoot: string, lock: Record<string, unknown>): PythonPackage[] {
  const packages = Array.isArray(lock['package']) ? (lock['package'] as Array<Record<string, unknown>>) : [];
  const fromLock = (p: string) => toPosix(path.posix.normalize(`${PYTHON_DIR}/${p}`));
  return packages
    .map((pkg) => pythonPackage(workspaceRoot, pkg, fromLock))
    .sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(a.version ?? '', b.version ?? ''));
}

function pythonPackage(workspaceRoot: string, pkg: Record<string, unknown>, fromLock: (p: string) => string): PythonPackage {
  const source: Record<string, string> = {};
  let treeHash: string | undefined;
  for (const [kind, value] of Object.entries((pkg['source'] ?? {}) as Record<string, string>)) {
    if (!LOCAL_SOURCES.includes(kind)) {
      source[kind] = value;
      continue;
    }
    source[kind] = fromLock(value);
    const local = abs(workspaceRoot, source[kind]);
    if (fs.existsSync(local)) treeHash = fs.statSync(local).isDirectory() ? treeSha256(local) : fileSha256(local);
  }
  const artifacts: PythonArtifact[] = [];
  const sdist = pkg['sdist'] as Record<string, unknown> | undefined;
  if (sdist) artifacts.push(artifact('sdist', sdist, fromLock));
  for (const wheel of (pkg['wheels'] as Array<Record<string, unknown>> | undefined) ?? [])
    artifacts.push(artifact('wheel', wheel, fromLock));
  artifacts.sort((a, b) => byCodePoint(a.url ?? a.path ?? '', b.url ?? b.path ?? ''));
  return {
    name: String(pkg['name']),
    version: typeof pkg['version'] === 'string' ? pkg['version'] : undefined,
    source,
    artifacts,
    treeSha256: treeHash,
  };
}

function artifact(kind: 'sdist' | 'wheel', raw: Record<string, unknown>, fromLock: (p: string) => string): PythonArtifact {
  const hash = typeof raw['hash'] === 'string' ? raw['hash'] : undefined;
  return {
    kind,
    url: typeof raw['url'] === 'string' ? raw['url'] : undefined,
    path: typeof raw['path'] === 'string' ? fromLock(raw['path']) : undefined,
    sha256: hash?.startsWith('sha256:') ? hash.slice('sha256:'.length) : undefined,
    size: typeof raw['size'] === 'number' ? raw['size'] : typeof raw['size'] === 'bigint' ? Number(raw['size']) : undefined,
  };
}

/** The packages package-lock.json pins, sorted by their place in node_modules; links are left out. */
export function nodePackages(lockText: string): NodePackage[] {
  const lock = JSON.parse(lockText) as { packages?: Record<string, Record<string, unknown>> };
  return Object.entries(lock.packages ?? {})
    .filter(([loc, entry]) => loc !== '' && entry['link'] !== true)
    .map(([loc, entry]) => ({
      path: loc,
      name: typeof entry['name'] === 'string' ? entry['name'] : loc.slice(loc.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: typeof entry['version'] === 'string' ? entry['version'] : undefined,
      resolved: typeof entry['resolved'] === 'string' ? entry['resolved'] : undefined,
      integrity: typeof entry['integrity'] === 'string' ? entry['integrity'] : undefined,
    }))
    .sort((a, b) => byCodePoint(a.path, b.path));
}
