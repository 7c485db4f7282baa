import { bindCheck, bindOnHost, rollbackOnHost } from '../inscription/on-host';
import type { CommonPaths } from './paths';
import { loadForCommand, renderInto, withTempGeneration } from './render';
import { formatPending, installedFiles, pendingRestarts, readTree, resolveBindingSite } from '../inscription';
import { realHost, runningServices } from '../rebirth/host';
import { type Outcome } from '../report';

export interface BindFlags {
  bindingSite?: string;
  unitDir?: string;
  keep?: number;
  check: boolean;
  rollback: boolean;
}

/** `lychd-forge bind`: renders the Codex and installs it atomically, checks drift, or rolls back. */
export async function runBind(paths: CommonPaths, flags: BindFlags, progress: (line: string) => void): Promise<Outcome> {
  if (flags.rollback) {
    const result = await rollbackOnHost({ bindingSite: flags.bindingSite, unitDir: flags.unitDir, log: progress });
    return { ok: true, summary: result.message };
  }
  const loaded = loadForCommand(paths);
  if (!loaded.codex) return loaded.refusal;
  const { codex, warnings } = loaded;
  return await withTempGeneration(async (dir) => {
    renderInto(codex, dir);
    const onHost = {
      generationDir: dir,
      bindingSite: flags.bindingSite,
      unitDir: flags.unitDir,
      keep: flags.keep,
      workspaceRoot: paths.workspaceRoot,
      log: progress,
    };
    if (flags.check) return { ...bindCheck(onHost), diagnostics: warnings };
    const site = resolveBindingSite({ option: flags.bindingSite, env: process.env });
    const before = installedFiles(site);
    const result = await bindOnHost(codex, onHost);
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
    return { ok: true, diagnostics: warnings, lines: [result.message, ...(asked ? formatPending(pending) : [])] };
  });
}
