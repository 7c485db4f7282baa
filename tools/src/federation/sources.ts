import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { EXTENSION_MANIFEST } from '../codex/extensions';
import type { CodexFolders } from '../codex';
import { canonicalJson, sha256 } from '../shared/digest';
import { listTree } from '../artifacts/tree';
import { replaceFileAtomic } from '../shared/fsutil';

/**
 * What forge/federation.json was written from: a digest of every hook source when the hooks ran,
 * committed beside it. A clone whose hook sources differ (a hook edited, an extension added) has
 * a stale registry: the Nx graph then runs `federate` before the validation that reads it.
 */
import { FEDERATION_SOURCES_FILE, REGISTRY_FILE } from '../artifacts/paths';
import { FEDERATION_SOURCES_FORMAT } from '../artifacts/formats';
export { FEDERATION_SOURCES_FILE };

/** The entry point group the hooks are declared in (as federation/hooks.ts reads it). */
const HOOK_GROUP = 'lychd.extensions';

/**
 * The hooks' sources, each with its digest: the core's and every extension's code (its `src/`, or
 * the whole folder without one, as the hooks import it: the core holds the context the hooks call)
 * and each extension's hook declaration in its pyproject. Caches (`__pycache__`) are not sources.
 */
export function hookSources(workspaceRoot: string, folders: CodexFolders, core: string): Record<string, string> {
  const sources: Record<string, string> = {};
  const code = (dir: string) => {
    const src = fs.existsSync(path.join(workspaceRoot, dir, 'src')) ? `${dir}/src` : dir;
    if (fs.existsSync(path.join(workspaceRoot, src)))
      for (const [rel, digest] of listTree(path.join(workspaceRoot, src))) sources[`${src}/${rel}`] = digest;
  };
  code(core);
  const extensions = path.join(workspaceRoot, folders.extensionsDir);
  const names = fs.existsSync(extensions) ? fs.readdirSync(extensions).sort() : [];
  for (const name of names) {
    const manifest = `${folders.extensionsDir}/${name}/${EXTENSION_MANIFEST}`;
    if (!fs.existsSync(path.join(workspaceRoot, manifest))) continue;
    code(`${folders.extensionsDir}/${name}`);
    sources[`${manifest} [project.entry-points."${HOOK_GROUP}"]`] = sha256(canonicalJson(hookDeclaration(workspaceRoot, manifest)));
  }
  return sources;
}

/** An extension's `[project.entry-points."lychd.extensions"]` table, or null (none, or a pyproject that does not parse). */
function hookDeclaration(workspaceRoot: string, manifest: string): unknown {
  try {
    const data = parse(fs.readFileSync(path.join(workspaceRoot, manifest), 'utf8')) as {
      project?: { 'entry-points'?: Record<string, unknown> };
    };
    return data.project?.['entry-points']?.[HOOK_GROUP] ?? null;
  } catch {
    return null;
  }
}

/** Records the hook sources the registry was just written from. */
export function writeFederationSources(workspaceRoot: string, folders: CodexFolders, core: string): void {
  const file = path.join(workspaceRoot, FEDERATION_SOURCES_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = canonicalJson({ formatVersion: FEDERATION_SOURCES_FORMAT, sources: hookSources(workspaceRoot, folders, core) });
  replaceFileAtomic(file, text, `${path.basename(file)}.${process.pid}`, false);
}

export type FederationState =
  | { state: 'current' }
  | { state: 'missing' }
  /** The hook sources that differ from the record (added, changed or removed), sorted. */
  | { state: 'stale'; changed: string[] };

/**
 * Whether forge/federation.json is there and was written from the hook sources as they are now. A
 * registry without its record, a record that is damaged or of another format, or sources that
 * cannot be read, count as stale: running the hooks again is always right (it rewrites the record),
 * and reports what is wrong with a source. Read by hand, not by readArtifact: the Nx plugin asks on
 * every graph computation, where a throw would break the graph and zod alone costs a tenth of a second.
 */
export function federationState(workspaceRoot: string, folders: CodexFolders, core: string): FederationState {
  if (!fs.existsSync(path.join(workspaceRoot, REGISTRY_FILE))) return { state: 'missing' };
  let recorded: Record<string, unknown>;
  let now: Record<string, string>;
  try {
    const record = JSON.parse(fs.readFileSync(path.join(workspaceRoot, FEDERATION_SOURCES_FILE), 'utf8')) as {
      formatVersion?: unknown;
      sources?: unknown;
    } | null;
    if (record?.formatVersion !== FEDERATION_SOURCES_FORMAT || typeof record.sources !== 'object' || record.sources === null)
      return { state: 'stale', changed: [FEDERATION_SOURCES_FILE] };
    recorded = record.sources as Record<string, unknown>;
    now = hookSources(workspaceRoot, folders, core);
  } catch {
    return { state: 'stale', changed: [FEDERATION_SOURCES_FILE] };
  }
  const changed = [...new Set([...Object.keys(recorded), ...Object.keys(now)])].filter((k) => recorded[k] !== now[k]).sort();
  return changed.length ? { state: 'stale', changed } : { state: 'current' };
}
