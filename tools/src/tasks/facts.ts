import * as path from 'node:path';
import type { Codex, Rune, VesselNeeds } from '../codex';
import { noVesselNeeds } from '../codex/vessel-needs';
import { fromRuneFolder } from '../scribe/federated';
import { SHM_RUNTIMES } from '../scribe/pod';
import { AGGREGATES, CODE_DIR, PLUGIN_DIR, type Aggregate } from '../nx/plugin-layout';
import { canonicalJson, fileSha256, sha256 } from '../shared/digest';
import { treeSha256 } from '../artifacts/tree';
import { FACTS, factsFileName } from '../artifacts/paths';

/**
 * The Codex as plain JSON, with every path relative to the workspace root, so that a task output
 * never carries the checkout's location and two clones hash the same.
 */
export interface CodexFacts {
  codexDir: string;
  prime: Codex['prime'];
  extensions: string[];
  runes: (Omit<Rune, 'origin'> & { origin: { relativePath: string; provider: string } })[];
  /** What the extensions ask of the Vessel (its files are workspace-relative already). */
  vessel?: VesselNeeds;
}

export function codexFacts(codex: Codex, workspaceRoot: string): CodexFacts {
  return {
    codexDir: path.relative(workspaceRoot, codex.root).split(path.sep).join('/'),
    prime: codex.prime,
    extensions: codex.extensions,
    runes: codex.runes.map((r) => ({
      ...r,
      origin: { relativePath: r.origin.relativePath, provider: r.origin.provider },
    })) as CodexFacts['runes'],
    ...(codex.vessel ? { vessel: codex.vessel } : {}),
  };
}

/** The Codex again, for the render functions; rune files are named relative to the workspace. */
export function codexFromFacts(facts: CodexFacts, workspaceRoot: string): Codex {
  const root = path.join(workspaceRoot, facts.codexDir);
  return {
    root,
    prime: facts.prime,
    extensions: facts.extensions,
    runes: facts.runes.map((r) => ({ ...r, origin: { ...r.origin, file: r.origin.relativePath } })) as Rune[],
    ...(facts.vessel ? { vessel: facts.vessel } : {}),
  };
}

type RuneFields = { soulstone: readonly string[]; portal: readonly string[] };

/**
 * What each aggregate file reads of the runes (the Prime Scroll it reads whole). Its task hashes
 * only this projection, so an edit elsewhere in a rune is a cache hit for it. A test renders every
 * fixture from the projection and from the full Codex and requires the same bytes.
 */
export const AGGREGATE_FIELDS: Record<Exclude<Aggregate, 'pod' | 'federated'>, RuneFields> = {
  core: { soulstone: [], portal: ['name', 'api_key_secret'] },
  observability: { soulstone: ['name', 'port', 'runtime', 'metrics_port', 'metrics_path'], portal: [] },
  capabilities: {
    soulstone: ['name', 'runtime', 'capabilities', 'groups', 'models', 'served_model_name', 'model_path', 'port', 'base_url'],
    portal: ['name', 'provider', 'capabilities', 'models', 'base_url', 'api_key_secret'],
  },
};

/** The facts with each rune cut down to the given fields; a rune kind with no fields is left out. */
export function projectFacts(facts: CodexFacts, fields: RuneFields): CodexFacts {
  const runes = facts.runes.flatMap((r) => {
    const keep = fields[r.kind];
    if (!keep.length) return [];
    const all = r.config as Record<string, unknown>;
    const config = Object.fromEntries(keep.filter((k) => k in all).map((k) => [k, all[k]]));
    return [{ ...r, config } as CodexFacts['runes'][number]];
  });
  return { ...facts, runes };
}

type Row = CodexFacts['runes'][number];
const NOWHERE = { relativePath: '', provider: '' };

/**
 * The pod publishes the exposed ports and sizes /dev/shm when any soulstone's runtime needs it:
 * its facts are the exposed soulstones, plus one stand-in for all the others when one of them
 * needs the large /dev/shm. Adding, removing or renaming an unexposed soulstone leaves them as
 * they are.
 */
export function podFacts(facts: CodexFacts): CodexFacts {
  const stones = facts.runes.filter((r) => r.kind === 'soulstone');
  const config = (r: Row) => r.config as Record<string, unknown>;
  const exposed = stones
    .filter((r) => config(r)['expose_port'] === true)
    .map(
      (r) =>
        ({
          ...r,
          origin: NOWHERE,
          config: { name: config(r)['name'], port: config(r)['port'], expose_port: true, runtime: config(r)['runtime'] },
        }) as Row,
    );
  const hidden = new Set(stones.filter((r) => config(r)['expose_port'] !== true).map((r) => config(r)['runtime']));
  const shm = SHM_RUNTIMES.find((runtime) => hidden.has(runtime));
  const standIn = shm
    ? [{ kind: 'soulstone', family: `soulstone-${shm}`, origin: NOWHERE, config: { name: '', expose_port: false, runtime: shm } } as Row]
    : [];
  return { ...facts, runes: [...exposed, ...standIn] };
}

/**
 * The federated soulstones whole, and of every other soulstone its name and covens only (their
 * units' `Conflicts=` and `After=` name it): the soulstone roster their units are rendered with.
 */
export function federatedFacts(facts: CodexFacts): CodexFacts {
  // With none to render, nothing the task reads changes with the other soulstones.
  if (!facts.runes.some((r) => r.kind === 'soulstone' && !fromRuneFolder(r.origin))) return { ...facts, runes: [] };
  const runes = facts.runes.flatMap((r) => {
    if (r.kind !== 'soulstone') return [];
    if (!fromRuneFolder(r.origin)) return [r];
    const c = r.config as Record<string, unknown>;
    return [{ ...r, config: { name: c['name'], groups: c['groups'] } } as Row];
  });
  return { ...facts, runes };
}

/** The facts file of one aggregate: exactly what its renderer reads of the Codex. */
export function aggregateFacts(facts: CodexFacts, part: Aggregate): CodexFacts {
  const { vessel, ...rest } = facts;
  if (part === 'federated') return federatedFacts(rest);
  if (part === 'pod') return podFacts(vessel ? { ...rest, vessel: { ...noVesselNeeds(), ports: vessel.ports } } : rest);
  // The Vessel's needs are read by its own unit only (and its ports by the pod's).
  return projectFacts(part === 'core' ? facts : rest, AGGREGATE_FIELDS[part]);
}

/** What `bind` needs to check that every mounted secret exists. */
export const SECRET_FIELDS: RuneFields = { soulstone: ['name', 'secret_env_files'], portal: ['name', 'api_key_secret'] };

/**
 * The plugin's own code, as one digest: the same files `pluginFiles()` names, and where the
 * package is installed its compiled code too (its `src` holds the JSON schemas only).
 */
export function pluginDigest(tools = PLUGIN_DIR, code = CODE_DIR): string {
  const trees = [...new Set(['src', code, 'bin'])].map((dir) => treeSha256(path.join(tools, dir)));
  return sha256([...trees, fileSha256(path.join(tools, 'package.json'))].join('\n'));
}

/** Every fact file `codex:context` writes, by name: each is the whole input of the tasks that read it. */
export function factFiles(codex: Codex, workspaceRoot: string, roster: unknown): Map<string, string> {
  const facts = codexFacts(codex, workspaceRoot);
  const files = new Map<string, string>();
  // Runes of inactive extensions render nothing, so the active list is part of every rune's facts;
  // the plugin's digest stands in for the plugin's files in each rune's hash (see runeProject).
  // The defaults rune families inherit from the Prime Scroll are part of every rune file's reading.
  files.set(
    factsFileName(FACTS.runes),
    canonicalJson({ ...(roster as object), extensions: codex.extensions, defaults: codex.prime.defaults, plugin: pluginDigest() }),
  );
  files.set(factsFileName(FACTS.secrets), canonicalJson(projectFacts(facts, SECRET_FIELDS)));
  for (const part of AGGREGATES) files.set(factsFileName(part), canonicalJson(aggregateFacts(facts, part)));
  files.set(factsFileName(FACTS.forge), canonicalJson({ extensions: codex.extensions, forge: codex.prime.forge }));
  return files;
}

export { AGGREGATES };
