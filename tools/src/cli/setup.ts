import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { findWorkspaceRoot } from '../toolchain';
import type { Outcome } from '../report';

/** Shipped with the package (`setup/`), beside `src/` in a checkout and `dist/` where it is installed. */
const SCRIPT = path.join(__dirname, '..', '..', 'setup', 'setup-tools.sh');

/**
 * `lychd-forge setup`: the tools beyond npm packages (uv, the podman quadlet generator, buildah,
 * skopeo, mmdebstrap, bubblewrap, the Nix evaluator) into the workspace's `.tools`, pinned as the
 * Forge's own checkout pins them. Its progress goes straight to the terminal.
 */
export function runSetup(cwd = process.cwd()): Outcome {
  const workspaceRoot = findWorkspaceRoot(cwd);
  const r = spawnSync('bash', [SCRIPT], {
    cwd: workspaceRoot,
    stdio: 'inherit',
    env: { ...process.env, LYCHD_WORKSPACE_ROOT: workspaceRoot },
  });
  if (r.error) return { ok: false, summary: `error: bash could not be started (${r.error.message}); lychd-forge setup runs a bash script` };
  return { ok: r.status === 0 };
}
