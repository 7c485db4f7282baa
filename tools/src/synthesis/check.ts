import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MANIFEST_FILE, NODE_FILES, PYTHON_FILES, abs } from './layout';
import { discoverComponents, type Component } from './discovery';
import { mergePython, cleanToolOutput } from './python';
import { mergeNode, NPM_LOCK_ARGS } from './node';
import { mergeTailwind } from './tailwind';
import { buildManifest } from './manifest';
import { readIfExists, withStaging, type GeneratedFile } from './fsio';
import { unifiedDiff } from '../shared/diff';
import { run } from './process';
import { resolveNpm, resolveUv } from './tools';

/** One committed file that does not match what the inputs produce. */
export interface Drift {
  file: string;
  /** What is wrong and which stage brings it up to date. */
  reason: string;
  /** A unified diff (committed → expected), when both sides are known. */
  diff?: string;
}

export interface CheckResult {
  ok: boolean;
  drift: Drift[];
  /** Human-readable summary with diffs; empty when ok. */
  report: string;
}

export interface CheckOptions {
  workspaceRoot: string;
  quadletsDir?: string;
  env?: NodeJS.ProcessEnv;
  components?: Component[];
}

/**
 * Compares every committed synthesis file with what the current inputs produce. Never touches
 * the network: uv runs with `--locked --offline`, npm with `--offline` and an empty cache, both in
 * scratch folders, so a current lock passes and a stale one is reported, not rewritten.
 */
export async function checkSynthesis(options: CheckOptions): Promise<CheckResult> {
  const { workspaceRoot } = options;
  const components = options.components ?? discoverComponents(workspaceRoot).all;
  const drift: Drift[] = [];
  const compare = (file: GeneratedFile, stage: string) => {
    const committed = readIfExists(abs(workspaceRoot, file.path));
    if (committed === undefined) drift.push({ file: file.path, reason: `is missing; run the ${stage} stage` });
    else if (committed !== file.content)
      drift.push({
        file: file.path,
        reason: `differs from what the inputs produce; run the ${stage} stage`,
        diff: unifiedDiff({ label: `${file.path} (committed)`, text: committed }, { label: `${file.path} (expected)`, text: file.content }),
      });
  };

  const python = mergePython(workspaceRoot, components);
  compare(python.pyproject, 'Python lock');
  const uvLock = readIfExists(abs(workspaceRoot, PYTHON_FILES.lock));
  if (uvLock === undefined) drift.push({ file: PYTHON_FILES.lock, reason: 'is missing; run the Python lock stage' });
  else {
    const uv = await resolveUv(workspaceRoot);
    const result = withStaging(workspaceRoot, 'check-python', (dir) => {
      fs.writeFileSync(path.join(dir, 'pyproject.toml'), python.pyproject.content);
      fs.writeFileSync(path.join(dir, 'uv.lock'), uvLock);
      return run(uv, ['lock', '--locked', '--offline', '--no-progress'], { cwd: dir, env: options.env });
    });
    if (result.status !== 0)
      drift.push({ file: PYTHON_FILES.lock, reason: `is not current for the merged pyproject; run the Python lock stage\n${cleanToolOutput(result.stderr)}` });
  }

  const node = mergeNode(workspaceRoot, components);
  compare(node.packageJson, 'Node lock');
  const npmLock = readIfExists(abs(workspaceRoot, NODE_FILES.lock));
  if (npmLock === undefined) drift.push({ file: NODE_FILES.lock, reason: 'is missing; run the Node lock stage' });
  else {
    const npm = await resolveNpm(workspaceRoot);
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-npm-check-'));
    try {
      const relocked = withStaging(workspaceRoot, 'check-node', (dir) => {
        fs.writeFileSync(path.join(dir, 'package.json'), node.packageJson.content);
        fs.writeFileSync(path.join(dir, 'package-lock.json'), npmLock);
        const result = run(npm, [...NPM_LOCK_ARGS, '--offline', '--cache', cache], { cwd: dir, env: options.env });
        return result.status === 0 ? fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8') : cleanToolOutput(result.stderr);
      });
      if (relocked !== npmLock && !relocked.startsWith('{'))
        drift.push({ file: NODE_FILES.lock, reason: `is not current for the merged package.json (npm would need the network); run the Node lock stage\n${relocked}` });
      else if (relocked !== npmLock)
        drift.push({
          file: NODE_FILES.lock,
          reason: 'is not current for the merged package.json; run the Node lock stage',
          diff: unifiedDiff({ label: `${NODE_FILES.lock} (committed)`, text: npmLock }, { label: `${NODE_FILES.lock} (expected)`, text: relocked }),
        });
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  }

  compare(mergeTailwind(workspaceRoot, components).config, 'Tailwind');

  // The manifest digests the synthesized files, so it is only judged once they are current.
  if (drift.length === 0) {
    const { file } = await buildManifest({ workspaceRoot, quadletsDir: options.quadletsDir, components });
    compare(file, 'manifest assembly');
  } else if (!fs.existsSync(abs(workspaceRoot, MANIFEST_FILE)))
    drift.push({ file: MANIFEST_FILE, reason: 'is missing; run the manifest assembly stage' });

  return { ok: drift.length === 0, drift, report: formatDrift(drift) };
}

export function formatDrift(drift: Drift[]): string {
  if (drift.length === 0) return '';
  return [
    `synthesis is out of date: ${drift.length} file${drift.length === 1 ? '' : 's'} differ${drift.length === 1 ? 's' : ''} from what the inputs produce`,
    ...drift.map((d) => `\n${d.file} ${d.reason}${d.diff ? `\n${d.diff}` : ''}`),
  ].join('\n');
}
