import { execFile } from 'node:child_process';
import { resolveTool } from '../toolchain';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `systemctl --user <args>`; injectable so tests need no user manager. */
export type SystemctlRunner = (args: string[]) => Promise<CommandResult>;

/** The same systemctl the Rebirth Gate runs: LYCHD_SYSTEMCTL when set, else the one found. */
export const systemctlUser: SystemctlRunner = (args) =>
  new Promise((resolve) => {
    execFile(resolveTool('systemctl') ?? 'systemctl', ['--user', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stdout ? err.message : '')) });
    });
  });

export interface ReloadOutcome {
  reloaded: boolean;
  message: string;
}

const MANUAL = 'systemctl --user daemon-reload';

/**
 * Ask the user's systemd manager to re-run the quadlet generator. Only daemon-reload: units are
 * never started, stopped or restarted here; that stays the Magus's decision.
 */
export async function daemonReload(runner: SystemctlRunner | false): Promise<ReloadOutcome> {
  if (runner === false) return { reloaded: false, message: `run \`${MANUAL}\` to load it` };
  const probe = await runner(['show-environment']);
  if (probe.code !== 0) {
    return {
      reloaded: false,
      message: `no systemd user manager is reachable (systemctl --user show-environment exited ${probe.code}); run \`${MANUAL}\` in your login session to load it`,
    };
  }
  const reload = await runner(['daemon-reload']);
  if (reload.code !== 0) {
    return {
      reloaded: false,
      message: `\`${MANUAL}\` failed (exit ${reload.code}: ${reload.stderr.trim() || 'no output'}); run it again once the user manager is healthy`,
    };
  }
  return { reloaded: true, message: 'systemd user manager reloaded (units were not started or stopped)' };
}
