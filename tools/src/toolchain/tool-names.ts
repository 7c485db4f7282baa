/** The external programs the Forge runs. */
export const TOOL_NAMES = [
  'uv',
  'quadlet',
  'systemd-analyze',
  'buildah',
  'podman',
  'npm',
  'nix',
  'skopeo',
  'mmdebstrap',
  'systemctl',
  'qemu-system-x86_64',
  'qemu-img',
] as const;

export type ToolName = (typeof TOOL_NAMES)[number];

/** `systemd-analyze` → `LYCHD_SYSTEMD_ANALYZE`: the variable that overrides a tool's path. */
export function toolEnvVar(name: ToolName): string {
  return `LYCHD_${name.toUpperCase().replace(/-/g, '_')}`;
}
