import { requireTool, toolVersion as installedVersion } from '../toolchain';

/** The external programs synthesis drives, as absolute paths. */
export interface SynthesisTools {
  uv: string;
  npm: string;
}

/** uv from the workspace's own set-up (`LYCHD_UV`, `.tools/bin/uv`, PATH); a miss says how to install it. */
export async function resolveUv(workspaceRoot: string): Promise<string> {
  return requireTool('uv', { workspaceRoot });
}

export async function resolveNpm(workspaceRoot: string): Promise<string> {
  return requireTool('npm', { workspaceRoot });
}

/**
 * The version of uv or npm that synthesis records: read by the same function as the Nx runtime
 * input (`tools/bin/tool-version.js`), so a hash and a record can never disagree.
 */
export function toolVersion(name: keyof SynthesisTools, workspaceRoot: string): string {
  return installedVersion(name, { workspaceRoot });
}
