import { requireTool, runProgram, type RunResult } from '../toolchain';
import { failure } from '../diagnostics';

/** The names of the bodies in the user's podman storage. */
export const CURRENT_TAG = 'localhost/lychd:custom';
export const CANDIDATE_TAG = 'localhost/lychd:candidate';
export const PREVIOUS_TAG = 'localhost/lychd:previous';

/**
 * The two programs the Gate drives on the host: podman (the user's image storage) and
 * `systemctl --user`. One interface so the Gate's logic reads as steps.
 */
export interface Host {
  podman(args: readonly string[], timeoutMs?: number): RunResult;
  systemctl(args: readonly string[], timeoutMs?: number): RunResult;
}

export function realHost(workspaceRoot?: string): Host {
  let podman: string | undefined;
  let systemctl: string | undefined;
  return {
    podman: (args, timeoutMs = 600_000) => {
      podman ??= requireTool('podman', { workspaceRoot });
      return runProgram(podman, args, { timeoutMs });
    },
    systemctl: (args, timeoutMs = 900_000) => {
      systemctl ??= requireTool('systemctl', { workspaceRoot });
      return runProgram(systemctl, ['--user', ...args], { timeoutMs });
    },
  };
}

function must(r: RunResult, what: string): string {
  if (r.status !== 0)
    throw failure('LYCHD701', `${what} failed (exit ${r.status})`, { cause: [r.stderr.trim() || r.stdout.trim() || 'no output'] });
  return r.stdout;
}

/** The full image id a reference names, or undefined when it names none. */
export function imageIdOf(host: Host, ref: string): string | undefined {
  const r = host.podman(['image', 'inspect', '--format', '{{.Id}}', ref]);
  if (r.status !== 0) return undefined;
  const id = r.stdout.trim();
  return /^[0-9a-f]{64}$/.test(id) ? `sha256:${id}` : undefined;
}

/** Copies the image of an OCI layout into the user's storage; returns its image id. */
export function loadLayout(host: Host, ociDir: string, refName: string): string {
  const out = must(host.podman(['pull', '--quiet', `oci:${ociDir}:${refName}`]), `podman pull oci:${ociDir}:${refName}`);
  const id = out.trim().split('\n').pop() ?? '';
  if (!/^[0-9a-f]{64}$/.test(id)) throw failure('LYCHD701', `podman pull printed no image id (got "${id.slice(0, 80)}")`);
  return `sha256:${id}`;
}

export function tag(host: Host, imageId: string, ref: string): void {
  must(host.podman(['tag', imageId.replace(/^sha256:/, ''), ref]), `podman tag ${imageId} ${ref}`);
}

/** Removes a name (never the image itself: it may be the body a rollback returns to). */
export function untag(host: Host, ref: string): void {
  if (imageIdOf(host, ref) !== undefined) must(host.podman(['untag', ref, ref]), `podman untag ${ref}`);
}

/** The units among `services` that are running (active, activating or reloading). */
export function runningServices(host: Host, services: readonly string[]): string[] {
  if (services.length === 0) return [];
  const r = host.systemctl(['show', '--property=Id,ActiveState', '--', ...services]);
  if (r.status !== 0) return [];
  const running: string[] = [];
  for (const block of r.stdout.split(/\n\n+/)) {
    const id = /^Id=(.*)$/m.exec(block)?.[1];
    const state = /^ActiveState=(.*)$/m.exec(block)?.[1];
    if (id && state && /^(active|activating|reloading)$/.test(state)) running.push(id);
  }
  return running.filter((s) => services.includes(s)).sort();
}

export function daemonReload(host: Host): void {
  must(host.systemctl(['daemon-reload']), 'systemctl --user daemon-reload');
}

/** Restarts the units and waits for their start jobs; throws with the failing unit's status. */
export function restart(host: Host, services: readonly string[]): void {
  if (services.length === 0) return;
  const r = host.systemctl(['restart', '--', ...services]);
  if (r.status === 0) return;
  const status = host.systemctl(['status', '--no-pager', '--lines=5', '--', ...services]).stdout.trim();
  throw failure('LYCHD701', `systemctl --user restart ${services.join(' ')} failed (exit ${r.status})`, {
    cause: [r.stderr.trim(), status],
  });
}
