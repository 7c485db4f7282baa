import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SynthesisManifest } from '../../tools/src/synthesis';
import { requireTool } from '../../tools/src/toolchain';
import { runProgram } from '../../tools/src/toolchain/run';
import { copyExample } from './nix-eval';

/**
 * Opt-in: the real uv2nix and pyproject.nix (at the revisions flake.nix pins) and nixpkgs' lib
 * (nix-community/nixpkgs.lib), checked out by the caller, since their code may not be part of
 * this project and GitHub is not reachable from CI:
 *   LYCHD_NIX_REAL_INPUTS=DIR with DIR/{uv2nix,pyproject-nix,nixpkgs-lib}
 * Full nixpkgs is not needed for loading the workspace, only for building it.
 */
const REAL = process.env['LYCHD_NIX_REAL_INPUTS'];
const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe.skipIf(!REAL)('the real uv2nix loads the synthesized workspace (opt-in: LYCHD_NIX_REAL_INPUTS)', () => {
  it('finds every member, outside the synthesized folder, and the core entry point', () => {
    const root = copyExample();
    made.push(root);
    fs.copyFileSync(path.join(__dirname, 'real-inputs', 'flake.nix'), path.join(root, 'flake.nix'));
    const overrides = [
      ['nixpkgs', 'nixpkgs-lib'],
      ['pyproject-nix', 'pyproject-nix'],
      ['uv2nix', 'uv2nix'],
    ].flatMap(([input, dir]) => ['--override-input', input!, `path:${path.join(REAL!, dir!)}`]);
    const r = runProgram(requireTool('nix'), ['eval', '--json', '--offline', '--no-write-lock-file', ...overrides, '.#check'], {
      cwd: root,
    });
    expect(r.stderr).not.toMatch(/^error/m);
    const check = JSON.parse(r.stdout) as {
      depsDefault: Record<string, string[]>;
      localProjects: Record<string, { root: string; scripts: Record<string, string> }>;
      overlayIsFunction: boolean;
    };
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'forge/synthesis.lock.json'), 'utf8')) as SynthesisManifest;
    expect(Object.keys(check.depsDefault).sort()).toEqual(manifest.components.map((c) => c.pythonProject).sort());
    for (const c of manifest.components)
      expect(check.localProjects[c.pythonProject]!.root).toMatch(new RegExp(`^/nix/store/[^/]+-source/${c.path}$`));
    expect(check.localProjects['lychd-core']!.scripts).toEqual({ lychd: 'lychd_core.__main__:main' });
    expect(check.overlayIsFunction).toBe(true);
  });
});
