import * as path from 'node:path';
import { GENERATION_DIR } from '../artifacts/paths';
import { checkSynthesis, synthesize, type CheckOptions } from '../synthesis';
import { codexFoldersOfPaths, type CommonPaths } from './paths';
import { loadForCommand, renderInto } from './render';
import { checked, type Outcome } from '../report';

/** `synthesize --check` and `forge:synthesize-check`: every committed synthesis file against what the inputs produce. */
export async function synthesisCheck(source: CheckOptions): Promise<Outcome> {
  return checked((await checkSynthesis(source)).drift, 'forge/synthesis.lock.json and the locks are current.');
}

/**
 * `lychd-forge synthesize [--check]`: renders the Quadlets (their digests go into the manifest),
 * then merges, locks and writes the Synthesis Manifest, or checks that the committed one is current.
 */
export async function runSynthesize(paths: CommonPaths, check: boolean, progress: (line: string) => void): Promise<Outcome> {
  // The folders first: one outside the workspace is refused before anything in it is read.
  const folders = codexFoldersOfPaths(paths);
  const loaded = loadForCommand(paths);
  if (!loaded.codex) return loaded.refusal;
  const source = { workspaceRoot: paths.workspaceRoot, folders, quadletsDir: GENERATION_DIR };
  renderInto(loaded.codex, path.join(paths.workspaceRoot, source.quadletsDir));
  if (check) return { ...(await synthesisCheck(source)), diagnostics: loaded.warnings };
  progress('Merging and locking the core and the active extensions (uv, npm)...');
  const result = await synthesize(source);
  const m = result.manifest;
  return {
    ok: true,
    diagnostics: loaded.warnings,
    lines: [...result.warnings.map((w) => `warning: ${w}`), ...result.files.map((f) => `wrote ${f.path}`)],
    summary:
      `Synthesis Manifest: ${m.python.packages.length} Python package(s), ${m.node.packages.length} Node package(s), ` +
      `${m.system.length} system package(s), ${Object.keys(m.quadlets?.files ?? {}).length} quadlet file(s).`,
  };
}
