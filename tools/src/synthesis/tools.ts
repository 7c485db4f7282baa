import { requireTool } from '../toolchain/tools';
import { run } from './process';

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

export async function resolveTools(workspaceRoot: string): Promise<SynthesisTools> {
  return { uv: await resolveUv(workspaceRoot), npm: await resolveNpm(workspaceRoot) };
}

/** `uv 0.13.9 (…)` → `0.13.9`; `11.19.1` → `11.19.1`. */
export function toolVersion(binary: string, cwd: string): string {
  const out = run(binary, ['--version'], { cwd });
  if (out.status !== 0) throw new Error(`${binary} --version failed: ${out.stderr.trim()}`);
  const match = /\d+\.\d+\.\d+[^\s]*/.exec(out.stdout);
  if (!match) throw new Error(`cannot read a version from "${out.stdout.trim()}"`);
  return match[0];
}
