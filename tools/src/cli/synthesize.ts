import * as path from 'node:path';
import { GENERATION_DIR } from '../artifacts/paths';
import { checkSynthesis, synthesize } from '../synthesis';
import { layoutOfPaths, type CommonPaths } from './paths';
import { loadOrReport, renderInto } from './render';
import { escapeForTerminal } from '../codex/diagnostics';

/**
 * `lychd-forge synthesize [--check]`: renders the Quadlets (their digests go into the manifest),
 * then merges, locks and writes the Synthesis Manifest, or checks that the committed one is current.
 */
export async function runSynthesize(paths: CommonPaths, check: boolean, out = process.stdout, err = process.stderr): Promise<number> {
  // The folders first: one outside the workspace is refused before anything in it is read.
  const layout = layoutOfPaths(paths);
  const codex = loadOrReport(paths, err);
  if (!codex) return 1;
  const source = { workspaceRoot: paths.workspaceRoot, layout, quadletsDir: GENERATION_DIR };
  renderInto(codex, path.join(paths.workspaceRoot, source.quadletsDir));
  if (check) {
    const result = await checkSynthesis(source);
    if (result.ok) out.write(`${result.report || 'forge/synthesis.lock.json and the locks are current.'}\n`);
    else err.write(`${result.report}\n`);
    return result.ok ? 0 : 1;
  }
  out.write('Merging and locking the core and the active extensions (uv, npm)...\n');
  const result = await synthesize(source);
  for (const w of result.warnings) err.write(`warning: ${escapeForTerminal(w, { multiline: true })}\n`);
  for (const f of result.files) out.write(`wrote ${f.path}\n`);
  const m = result.manifest;
  out.write(
    `Synthesis Manifest: ${m.python.packages.length} Python package(s), ${m.node.packages.length} Node package(s), ` +
      `${m.system.length} system package(s), ${Object.keys(m.quadlets?.files ?? {}).length} quadlet file(s).\n`,
  );
  return 0;
}
