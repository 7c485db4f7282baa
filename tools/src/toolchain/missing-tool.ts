import { ForgeError } from '../diagnostics';
import type { ToolName } from './tool-names';

// The command that exists wherever the Forge is installed (the package ships the script it runs).
const SETUP = 'npx lychd-forge setup';

/** How to get each tool, phrased as the command to run. */
export const INSTALL_HINTS: Readonly<Record<ToolName, string>> = {
  uv: `run \`${SETUP}\` (installs uv 0.13.9 from PyPI into .tools/bin/uv)`,
  quadlet:
    `run \`${SETUP}\` (extracts the quadlet generator of Debian trixie's podman 5.4 into .tools/bin/quadlet), ` +
    'or install podman >= 5.4 (`apt-get install podman` on Debian trixie)',
  'systemd-analyze': `install the Debian package systemd (\`apt-get install systemd\`, or \`${SETUP}\` as root)`,
  buildah: `install the Debian package buildah (\`apt-get install buildah\`, or \`${SETUP}\` as root)`,
  podman: 'install the Debian package podman (`apt-get install podman`)',
  npm: 'install Node.js >= 20.19 with npm',
  mmdebstrap: `install the Debian package mmdebstrap (\`apt-get install mmdebstrap\`, or \`${SETUP}\` as root)`,
  nix:
    "install Nix >= 2.18 (Debian bookworm's nix-bin 2.8 cannot evaluate current nixpkgs); " +
    `as root, \`${SETUP}\` puts Debian trixie's nix-bin in a trixie root behind .tools/bin/nix`,
  skopeo: `install the Debian package skopeo (\`apt-get install skopeo\`, or \`${SETUP}\` as root)`,
  systemctl: 'install systemd (`apt-get install systemd`); the Rebirth Gate runs `systemctl --user` in the login session of the host user',
  'qemu-system-x86_64': `install the Debian package qemu-system-x86 (\`${SETUP}\` as root)`,
  'qemu-img': `install the Debian package qemu-utils (\`${SETUP}\` as root)`,
};

/** A tool the Forge needs is not available: where it was looked for, and how to install it. */
export class MissingToolError extends ForgeError {
  constructor(
    readonly tool: ToolName,
    readonly envVar: string,
    readonly searched: readonly string[],
    detail?: string,
  ) {
    super([
      {
        severity: 'error',
        code: 'LYCHD800',
        message: `${tool} not found${detail ? ` (${detail})` : ''}; looked in: ${searched.join(', ')}.`,
        hint: `${INSTALL_HINTS[tool]}; or set ${envVar} to its path`,
      },
    ]);
    this.name = 'MissingToolError';
  }
}
