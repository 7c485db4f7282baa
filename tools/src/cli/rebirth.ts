import * as path from 'node:path';
import { oneImageName } from '../codex/cross-rune-rules';
import { loadPrimeScroll } from '../codex/prime-scroll';
import { ForgeError, hasErrors } from '../diagnostics';
import { resolveBindingSite, resolveUnitDir } from '../inscription';
import { confirm, formatReview, realHost, review, rollbackBody, stage, type GateOptions } from '../rebirth';
import type { CommonPaths } from './paths';
import { refused, type Outcome } from '../report';

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
  const gateFor = (imageName: string): GateOptions => {
    const bindingSite = resolveBindingSite({ option: flags.bindingSite, env: process.env });
    return {
      bindingSite,
      unitDir: resolveUnitDir({ option: flags.unitDir, env: process.env, bindingSite }),
      host: realHost(paths.workspaceRoot),
      log,
      imageName,
    };
  };
  // --confirm and --rollback apply a body staged (and checked) before: of the Codex they read only
  // the Prime Scroll, for the image name (forge.image, which vessel.image must be), so a rune being
  // edited never stands between the operator and the previous body, and they load neither the
  // runes nor the renderers.
  if (flags.rollback || flags.confirm !== undefined) {
    const { prime, source, diagnostics } = loadPrimeScroll(paths.codexDir);
    if (prime && source) diagnostics.push(...oneImageName.check({ prime, source }, []));
    if (!prime || hasErrors(diagnostics)) return refused(`Codex ${paths.codexDir}`, diagnostics);
    const gate = gateFor(prime.forge.image);
    const done = flags.rollback || flags.confirm === undefined ? await rollbackBody(gate) : await confirm(gate, flags.confirm);
    return { ok: true, diagnostics, summary: done.message };
  }
  const { loadForCommand, renderInto, withTempGeneration } = await import('./render');
  const { generationProblems } = await import('../inscription/on-host');
  const loaded = loadForCommand(paths);
  if (!loaded.codex) return loaded.refusal;
  const { codex, warnings } = loaded;
  const gate = gateFor(codex.prime.forge.image);
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
