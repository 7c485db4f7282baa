import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import type { SynthesisProblem } from './problems';
import { seedsCommittedLock } from './pin';
import { SynthesisError, throwIfAny } from './problems';
import { NODE_DIR, NODE_FILES } from '../artifacts/paths';
import { abs } from '../shared/workspace-path';
import { locateJson } from '../artifacts/json-locate';
import { componentsOf, discoverComponents, describe, type Component } from './discovery';
import { withStaging, writeFiles, type GeneratedFile } from './fsio';
import { run } from './process';
import { resolveNpm } from './tools';
import { toolVersion } from '../toolchain';
import { cleanToolOutput, type LockOptions } from './python';

/** The fields whose entries end up in the image's node_modules. */
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies'] as const;

export interface NodeRequest {
  component: Component;
  file: string;
  field: string;
  /** The version range as written in the component's package.json. */
  spec: string;
}

export interface MergedNode {
  packageJson: GeneratedFile;
  /** Package name → every request for it, in component order. */
  requests: Record<string, NodeRequest[]>;
}

export function packageJsonPath(c: Component): string {
  return `${c.dir}/package.json`;
}

/** Reads every component's package.json (where there is one) into per-name requests. */
export function readNodeRequests(
  workspaceRoot: string,
  components: Component[],
  problems: SynthesisProblem[],
): Record<string, NodeRequest[]> {
  // No prototype: a package named "constructor" is a key like any other.
  const requests: Record<string, NodeRequest[]> = Object.create(null);
  for (const component of components) {
    const file = packageJsonPath(component);
    const full = abs(workspaceRoot, file);
    if (!fs.existsSync(full)) continue;
    const text = fs.readFileSync(full, 'utf8');
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      problems.push({
        code: 'LYCHD300',
        file,
        field: '(syntax)',
        message: `is not valid JSON: ${(e as Error).message}`,
        fix: 'correct the JSON syntax',
      });
      continue;
    }
    for (const field of DEPENDENCY_FIELDS) {
      const deps = json[field];
      if (deps === undefined) continue;
      if (deps === null || typeof deps !== 'object' || Array.isArray(deps)) {
        problems.push({
          code: 'LYCHD300',
          file,
          field,
          message: 'must be an object of package name → version range',
          fix: `write e.g. "${field}": { "ms": "^2.1.3" }`,
        });
        continue;
      }
      for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
        if (typeof spec !== 'string') {
          problems.push({
            code: 'LYCHD300',
            file,
            field: `${field}.${name}`,
            message: `must be a version range string, got ${JSON.stringify(spec)}`,
            fix: `write e.g. "${name}": "^1.0.0"`,
          });
          continue;
        }
        if (semver.validRange(spec) === null) {
          problems.push({
            code: 'LYCHD300',
            file,
            line: locateJson(text, [field, name]).line,
            field: `${field}.${name}`,
            message: `"${spec}" is not a version range; only registry packages can be locked (file:, link:, git and URL specs reach outside the lock)`,
            fix: `depend on a published version, e.g. "${name}": "^1.0.0", or ship the code inside the extension`,
          });
          continue;
        }
        (requests[name] ??= []).push({ component, file, field: `${field}.${name}`, spec });
      }
    }
  }
  return requests;
}

/**
 * Picks one spec per package. npm workspaces would silently install two versions side by side,
 * so every pair of requests must overlap (`semver.intersects`); otherwise both extensions and
 * both ranges are named.
 */
export function resolveRanges(requests: Record<string, NodeRequest[]>, problems: SynthesisProblem[]): Record<string, string> {
  const chosen: Record<string, string> = Object.create(null);
  for (const name of Object.keys(requests).sort()) {
    const reqs = requests[name] ?? [];
    const specs = [...new Set(reqs.map((r) => r.spec))];
    if (specs.length === 1 && specs[0] !== undefined) {
      chosen[name] = specs[0];
      continue;
    }
    let ok = true;
    for (let i = 0; i < reqs.length; i++)
      for (let j = i + 1; j < reqs.length; j++) {
        const a = reqs[i]!;
        const b = reqs[j]!;
        if (a.spec === b.spec) continue;
        const comparable = semver.validRange(a.spec) !== null && semver.validRange(b.spec) !== null;
        if (comparable && semver.intersects(a.spec, b.spec)) continue;
        ok = false;
        problems.push({
          code: 'LYCHD301',
          file: b.file,
          field: b.field,
          message: comparable
            ? `${describe(b.component)} needs ${name}@"${b.spec}" but ${describe(a.component)} needs ${name}@"${a.spec}" (${a.file}); no version satisfies both ranges`
            : `${describe(b.component)} needs ${name}@"${b.spec}" but ${describe(a.component)} needs ${name}@"${a.spec}" (${a.file}); these specs cannot be compared`,
          fix: `change one range so that a single version of ${name} satisfies both ${a.component.name} and ${b.component.name}`,
        });
      }
    if (!ok) continue;
    // Prefer a range as written when it already lies inside all the others.
    const narrowest = specs.find((s) => specs.every((o) => semver.subset(s, o)));
    const joined = narrowest ?? intersectRanges(specs);
    if (joined === undefined)
      problems.push({
        code: 'LYCHD301',
        file: reqs[0]!.file,
        field: reqs[0]!.field,
        message: `the ranges for ${name} overlap pairwise but not all together: ${reqs.map((r) => `${r.component.name} "${r.spec}"`).join(', ')}`,
        fix: `narrow the ranges of ${name} to one shared range`,
      });
    else chosen[name] = joined;
  }
  return chosen;
}

/** The intersection of semver ranges as one range string, or undefined when it is empty. */
export function intersectRanges(ranges: string[]): string | undefined {
  let sets: semver.Comparator[][] = [[]];
  for (const r of [...ranges].sort()) {
    const next: semver.Comparator[][] = [];
    for (const acc of sets) for (const part of new semver.Range(r).set) next.push([...acc, ...part]);
    sets = next.filter((cs) => semver.minVersion(new semver.Range(comparatorsToString(cs))) !== null);
  }
  if (sets.length === 0) return undefined;
  return sets.map(comparatorsToString).join(' || ');
}

function comparatorsToString(cs: readonly semver.Comparator[]): string {
  const parts = [...new Set(cs.map((c) => c.value).filter((v) => v !== ''))];
  return parts.length ? parts.join(' ') : '*';
}

export function mergeNode(workspaceRoot: string, components?: Component[]): MergedNode {
  const problems: SynthesisProblem[] = [];
  const list = components ?? discoverComponents(workspaceRoot).all;
  const requests = readNodeRequests(workspaceRoot, list, problems);
  const dependencies = resolveRanges(requests, problems);
  throwIfAny(problems);
  const sources = list.filter((c) => Object.values(requests).some((rs) => rs.some((r) => r.component === c)));
  const root = {
    name: 'lychd-synthesis',
    version: '0.0.0',
    private: true,
    description: `Synthesized by the LychD Forge from ${sources.map(packageJsonPath).join(', ') || 'no package.json'}: do not edit.`,
    dependencies,
  };
  return { packageJson: { path: NODE_FILES.packageJson, content: `${JSON.stringify(root, null, 2)}\n` }, requests };
}

export interface NodeLockResult {
  files: GeneratedFile[];
  npmVersion: string;
  /** Names npm locked at several versions (nested copies); legal, but worth a look. */
  warnings: string[];
}

/** npm flags that keep the lock complete and make npm touch nothing but the lock. */
export const NPM_LOCK_ARGS = [
  'install',
  '--package-lock-only',
  '--ignore-scripts',
  '--no-audit',
  '--no-fund',
  '--omit-lockfile-registry-resolved=false',
];

/**
 * Merges, then runs `npm install --package-lock-only` in a scratch folder; only on success are
 * `package.json` and `package-lock.json` written to `forge/synthesis/node/`. After locking,
 * a name locked at two versions is reported too (npm nests such copies silently).
 */
export async function lockNode(options: LockOptions & { npmCache?: string }): Promise<NodeLockResult> {
  const { workspaceRoot } = options;
  const components = componentsOf(options);
  const merged = mergeNode(workspaceRoot, components.all);
  const before = components.settings.forge.resolve_before;
  const npm = await resolveNpm(workspaceRoot);
  const lock = await withStaging(workspaceRoot, 'node', async (dir) => {
    fs.writeFileSync(path.join(dir, 'package.json'), merged.packageJson.content);
    const committed = abs(workspaceRoot, NODE_FILES.lock);
    if (fs.existsSync(committed) && seedsCommittedLock(workspaceRoot, before))
      fs.copyFileSync(committed, path.join(dir, 'package-lock.json'));
    const args = [
      ...NPM_LOCK_ARGS,
      // `[forge] resolve_before`: npm considers only versions published before it.
      ...(before ? [`--before=${before}`] : []),
      ...(options.offline ? ['--offline'] : []),
      ...(options.npmCache ? ['--cache', options.npmCache] : []),
    ];
    const result = await run(npm, args, { cwd: dir, env: options.env });
    if (result.status !== 0)
      throw new SynthesisError([
        {
          code: 'LYCHD301',
          file: NODE_FILES.packageJson,
          field: 'dependencies',
          message: `npm could not lock the merged Node dependencies:\n${cleanToolOutput(result.stderr)}`,
          fix: 'correct the dependency npm names above in the extension that declares it',
        },
      ]);
    return fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
  });
  const files = [merged.packageJson, { path: NODE_FILES.lock, content: lock }];
  writeFiles(workspaceRoot, files);
  return { files, npmVersion: toolVersion('npm', { workspaceRoot }), warnings: duplicateVersions(lock) };
}

/** Names locked at more than one version: transitive dependencies npm satisfied by nesting copies. */
export function duplicateVersions(lockText: string): string[] {
  const lock = JSON.parse(lockText) as { packages?: Record<string, { version?: string; link?: boolean }> };
  const versions = new Map<string, Set<string>>();
  for (const [loc, entry] of Object.entries(lock.packages ?? {})) {
    if (!loc || entry.link || !entry.version) continue;
    const name = loc.slice(loc.lastIndexOf('node_modules/') + 'node_modules/'.length);
    (versions.get(name) ?? versions.set(name, new Set()).get(name)!).add(entry.version);
  }
  return [...versions]
    .filter(([, v]) => v.size > 1)
    .map(([name, v]) => `${name} is locked at several versions (${[...v].sort().join(', ')}); see \`npm ls ${name}\` in ${NODE_DIR}`)
    .sort();
}
