import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEBIAN_LOCK_FILE, MANIFEST_FILE, NODE_FILES, PYTHON_FILES } from '../artifacts/paths';
import { abs } from '../shared/workspace-path';
import { componentsOf, type ComponentSource } from './discovery';
import { mergePython, cleanToolOutput } from './python';
import { mergeNode, NPM_LOCK_ARGS } from './node';
import { mergeTailwind } from './tailwind';
import { buildManifest } from './manifest';
import type { SynthesisManifest } from '../artifacts/synthesis-manifest';
import { BASE_RECORD_FILE } from '../artifacts/paths';
import { readBaseRecordIfExists } from '../artifacts/base-record';
import { readDebianLock, requestedSpecs } from '../artifacts/debian-lock';
import { readIfExists, withStaging, type GeneratedFile } from './fsio';
import { unifiedDiff } from '../shared/diff';
import { run } from './process';
import { resolveNpm, resolveUv } from './tools';
import type { Drift } from '../report';

export interface CheckResult {
  ok: boolean;
  /** Every committed file that is not what the inputs produce; the one printer shows them (report/). */
  drift: Drift[];
}

export interface CheckOptions extends ComponentSource {
  quadletsDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Compares every committed synthesis file with what the current inputs produce. Never touches
 * the network: uv runs with `--locked --offline`, npm with `--offline` and an empty cache, both in
 * scratch folders, so a current lock passes and a stale one is reported, not rewritten.
 */
export async function checkSynthesis(options: CheckOptions): Promise<CheckResult> {
  const { workspaceRoot } = options;
  const components = componentsOf(options);
  const drift: Drift[] = [];
  const python = mergePython(workspaceRoot, components.all, components.settings.forge.resolve_before);
  drift.push(...compare(workspaceRoot, python.pyproject, 'Python lock'), ...(await pythonLockDrift(python.pyproject, options)));
  const node = mergeNode(workspaceRoot, components.all);
  drift.push(...compare(workspaceRoot, node.packageJson, 'Node lock'), ...(await nodeLockDrift(node.packageJson, options)));
  drift.push(...compare(workspaceRoot, mergeTailwind(workspaceRoot, components.all).config, 'Tailwind'));
  // The manifest digests the synthesized files, so it is only judged once they are current.
  if (drift.length === 0) {
    const { file, manifest } = await buildManifest({ workspaceRoot, quadletsDir: options.quadletsDir, components });
    drift.push(...compare(workspaceRoot, file, 'manifest assembly'), ...debianLockDrift(workspaceRoot, manifest));
  } else if (!fs.existsSync(abs(workspaceRoot, MANIFEST_FILE))) drift.push(missing(MANIFEST_FILE, 'manifest assembly'));
  return { ok: drift.length === 0, drift };
}

const missing = (file: string, stage: string): Drift => ({ file, reason: `is missing; run the ${stage} stage` });

/**
 * The committed Debian lock against the system packages the inputs ask for and the base built
 * last (dist/forge/base/base.json, when there is one): the lock is checked, not redone (that needs the archive).
 * A lock of an older format, or a damaged one, is its reader's refusal.
 */
function debianLockDrift(workspaceRoot: string, manifest: SynthesisManifest): Drift[] {
  const lock = readDebianLock(workspaceRoot);
  if (lock === undefined) return [];
  const relock = 'run `lychd-forge debian-lock` (nx run forge:debian-lock)';
  const drift: Drift[] = [];
  const requested = requestedSpecs(manifest);
  if (JSON.stringify(lock.requested) !== JSON.stringify(requested))
    drift.push({
      file: DEBIAN_LOCK_FILE,
      reason: `locks ${JSON.stringify(lock.requested)} but the extensions ask for ${JSON.stringify(requested)}; ${relock}`,
    });
  const base = readBaseRecordIfExists(abs(workspaceRoot, BASE_RECORD_FILE));
  if (base?.kind === 'debian' && base.digest !== lock.base.digest)
    drift.push({
      file: DEBIAN_LOCK_FILE,
      reason: `was resolved on the base ${lock.base.digest}, but the base is now ${base.digest} (${BASE_RECORD_FILE}); ${relock}`,
    });
  return drift;
}

/** A committed file against what the inputs produce: missing, different (with the diff) or current. */
function compare(workspaceRoot: string, file: GeneratedFile, stage: string): Drift[] {
  const committed = readIfExists(abs(workspaceRoot, file.path));
  if (committed === undefined) return [missing(file.path, stage)];
  if (committed === file.content) return [];
  return [
    {
      file: file.path,
      reason: `differs from what the inputs produce; run the ${stage} stage`,
      diff: unifiedDiff({ label: `${file.path} (committed)`, text: committed }, { label: `${file.path} (expected)`, text: file.content }),
    },
  ];
}

/** Whether uv accepts the committed lock for the merged pyproject as it is (`--locked`). */
async function pythonLockDrift(pyproject: GeneratedFile, options: CheckOptions): Promise<Drift[]> {
  const uvLock = readIfExists(abs(options.workspaceRoot, PYTHON_FILES.lock));
  if (uvLock === undefined) return [missing(PYTHON_FILES.lock, 'Python lock')];
  const uv = await resolveUv(options.workspaceRoot);
  const result = await withStaging(options.workspaceRoot, 'check-python', (dir) => {
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), pyproject.content);
    fs.writeFileSync(path.join(dir, 'uv.lock'), uvLock);
    return run(uv, ['lock', '--locked', '--offline', '--no-progress'], { cwd: dir, env: options.env });
  });
  if (result.status === 0) return [];
  return [
    {
      file: PYTHON_FILES.lock,
      reason: `is not current for the merged pyproject; run the Python lock stage\n${cleanToolOutput(result.stderr)}`,
    },
  ];
}

/** npm has no `--locked`: the committed lock is relocked offline, and any change to it is drift. */
async function nodeLockDrift(packageJson: GeneratedFile, options: CheckOptions): Promise<Drift[]> {
  const npmLock = readIfExists(abs(options.workspaceRoot, NODE_FILES.lock));
  if (npmLock === undefined) return [missing(NODE_FILES.lock, 'Node lock')];
  const relocked = await relockNode(packageJson, npmLock, options);
  if (relocked === npmLock) return [];
  if (!relocked.startsWith('{'))
    return [
      {
        file: NODE_FILES.lock,
        reason: `is not current for the merged package.json (npm would need the network); run the Node lock stage\n${relocked}`,
      },
    ];
  return [
    {
      file: NODE_FILES.lock,
      reason: 'is not current for the merged package.json; run the Node lock stage',
      diff: unifiedDiff(
        { label: `${NODE_FILES.lock} (committed)`, text: npmLock },
        { label: `${NODE_FILES.lock} (expected)`, text: relocked },
      ),
    },
  ];
}

/** The lock npm writes offline, with an empty cache, from the committed one; or npm's error. */
async function relockNode(packageJson: GeneratedFile, npmLock: string, options: CheckOptions): Promise<string> {
  const npm = await resolveNpm(options.workspaceRoot);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-npm-check-'));
  try {
    return await withStaging(options.workspaceRoot, 'check-node', async (dir) => {
      fs.writeFileSync(path.join(dir, 'package.json'), packageJson.content);
      fs.writeFileSync(path.join(dir, 'package-lock.json'), npmLock);
      const result = await run(npm, [...NPM_LOCK_ARGS, '--offline', '--cache', cache], { cwd: dir, env: options.env });
      return result.status === 0 ? fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8') : cleanToolOutput(result.stderr);
    });
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}
