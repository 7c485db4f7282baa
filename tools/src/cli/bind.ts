import { performBind, performCheck, performRollback } from '../inscription/rite';
import type { CommonPaths } from './paths';
import { loadOrReport, renderInto, withTempGeneration } from './render';
import { escapeForTerminal } from '../codex/diagnostics';
import { resolveBindingSite } from '../inscription';
import { readTree } from '../inscription/generation';
import { formatPending, installedFiles, pendingRestarts } from '../inscription/pending';
import { realHost, runningServices } from '../rebirth/host';

export interface BindFlags {
  bindingSite?: string;
  unitDir?: string;
  keep?: number;
  check: boolean;
  rollback: boolean;
}

/** `lychd-forge bind`: renders the Codex and installs it atomically, checks drift, or rolls back. */
export async function runBind(paths: CommonPaths, flags: BindFlags, out = process.stdout, err = process.stderr): Promise<number> {
  const log = (l: string) => out.write(`${l}\n`);
  if (flags.rollback) {
    const result = await performRollback({ bindingSite: flags.bindingSite, unitDir: flags.unitDir, log });
    log(result.message);
    return 0;
  }
  const codex = loadOrReport(paths, err);
  if (!codex) return 1;
  return await withTempGeneration(async (dir) => {
    renderInto(codex, dir);
    const rite = {
      generationDir: dir,
      bindingSite: flags.bindingSite,
      unitDir: flags.unitDir,
      keep: flags.keep,
      workspaceRoot: paths.workspaceRoot,
      log,
    };
    if (flags.check) {
      const result = performCheck(rite);
      if (result.inSync) {
        log(`The Binding Site ${result.bindingSite} holds exactly what the Codex produces.`);
        return 0;
      }
      err.write(
        `The Binding Site ${result.bindingSite} differs from what the Codex produces:\n${escapeForTerminal(result.diff, { multiline: true })}\n`,
      );
      return 1;
    }
    const site = resolveBindingSite({ option: flags.bindingSite, env: process.env });
    const before = installedFiles(site);
    const result = await performBind(codex, rite);
    log(result.message);
    // Which changed units run: asked of `systemctl --user`; on a host without it nothing runs.
    const host = realHost(paths.workspaceRoot);
    let asked = true;
    const running = (services: string[]) => {
      try {
        return runningServices(host, services);
      } catch {
        asked = false;
        return [];
      }
    };
    const pending = pendingRestarts(before, readTree(dir), running);
    if (asked) for (const line of formatPending(pending)) log(line);
    return 0;
  });
}
