import * as path from 'node:path';
import { ForgeError } from '../diagnostics';
import { resolveBindingSite } from '../inscription';
import { generationProblems } from '../inscription/rite';
import { resolveUnitDir } from '../inscription/unit-links';
import { confirm, formatReview, realHost, review, rollbackBody, stage, type GateOptions } from '../rebirth';
import type { CommonPaths } from './paths';
import { loadOrReport, renderInto, withTempGeneration } from './render';

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
export async function runRebirth(paths: CommonPaths, flags: RebirthFlags, out = process.stdout, err = process.stderr): Promise<number> {
  const log = (l: string) => out.write(`${l}\n`);
  // The Codex names the image (forge.image) for every action, confirm and rollback too.
  const codex = loadOrReport(paths, err);
  if (!codex) return 1;
  const bindingSite = resolveBindingSite({ option: flags.bindingSite, env: process.env });
  const gate: GateOptions = {
    bindingSite,
    unitDir: resolveUnitDir({ option: flags.unitDir, env: process.env, bindingSite }),
    host: realHost(paths.workspaceRoot),
    log,
    imageName: codex.prime.forge.image,
  };
  if (flags.rollback) {
    log((await rollbackBody(gate)).message);
    return 0;
  }
  if (flags.confirm !== undefined) {
    log((await confirm(gate, flags.confirm)).message);
    return 0;
  }
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
  out.write(`${formatReview(review(gate))}\n`);
  return 1;
}
