import * as path from 'node:path';
import { ForgeError } from '../diagnostics';
import { resolveBindingSite, resolveUnitDir } from '../inscription';
import { generationProblems } from '../inscription/on-host';
import { confirm, formatReview, realHost, review, rollbackBody, stage, type GateOptions } from '../rebirth';
import type { CommonPaths } from './paths';
import { loadForCommand, renderInto, withTempGeneration } from './render';
import type { Outcome } from '../report';

export interface RebirthFlags {
  bindingSite?: string;
  unitDir?: string;
  image?: string;
  synthesis?: string;
  confirm?: string;
  rollback: boolean;
}

/**
 * `lychd-forge rebirth`: stage the built image and the generation of the same Codex, show what
 * a confirmation would change, exit 1. `--confirm <id>` applies exactly the reviewed candidate;
 * `--rollback` returns to the previous body. Only a person typing the id passes the Gate.
 */
export async function runRebirth(paths: CommonPaths, flags: RebirthFlags, log: (line: string) => void): Promise<Outcome> {
  // The Codex names the image (forge.image) for every action, confirm and rollback too.
  const loaded = loadForCommand(paths);
  if (!loaded.codex) return loaded.refusal;
  const { codex, warnings } = loaded;
  const bindingSite = resolveBindingSite({ option: flags.bindingSite, env: process.env });
  const gate: GateOptions = {
    bindingSite,
    unitDir: resolveUnitDir({ option: flags.unitDir, env: process.env, bindingSite }),
    host: realHost(paths.workspaceRoot),
    log,
    imageName: codex.prime.forge.image,
  };
  if (flags.rollback) return { ok: true, diagnostics: warnings, summary: (await rollbackBody(gate)).message };
  if (flags.confirm !== undefined) return { ok: true, diagnostics: warnings, summary: (await confirm(gate, flags.confirm)).message };
  await withTempGeneration(async (dir) => {
    renderInto(codex, dir);
    const problems = await generationProblems(codex, dir, paths.workspaceRoot, log);
    if (problems.length > 0) throw new ForgeError(problems, 'The generation cannot be staged; nothing changed:');
    await stage(gate, {
      imageDir: flags.image ?? path.join(paths.workspaceRoot, 'dist', 'forge', 'image'),
      synthesisFile: flags.synthesis ?? path.join(paths.workspaceRoot, 'forge', 'synthesis.lock.json'),
      generationDir: dir,
    });
  });
  // Only a confirmation passes the Gate: the review exits 1.
  return { ok: false, diagnostics: warnings, lines: [formatReview(review(gate))] };
}
