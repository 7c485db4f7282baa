import { requireTool } from '../toolchain';

/** uv from the workspace's own set-up (`LYCHD_UV`, `.tools/bin/uv`, PATH); a miss says how to install it. */
export async function resolveUv(workspaceRoot: string): Promise<string> {
  return requireTool('uv', { workspaceRoot });
}

export async function resolveNpm(workspaceRoot: string): Promise<string> {
  return requireTool('npm', { workspaceRoot });
}
