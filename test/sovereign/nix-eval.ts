import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireTool } from '../../tools/src/toolchain';
import { runProgram } from '../../tools/src/toolchain/run';
import { WORKSPACE } from '../support/codex-fixture';
import { tempDir } from '../support/temp';

export const STANDINS = path.join(__dirname, 'standins');
/** flake input → stand-in folder (see standins/README.md). */
const OVERRIDES: Record<string, string> = {
  nixpkgs: 'nixpkgs',
  'pyproject-nix': 'pyproject-nix',
  uv2nix: 'uv2nix',
  'pyproject-build-systems': 'build-system-pkgs',
};

/** What the flake reads, copied from the example workspace into a fresh folder under the temp dir. */
export function copyExample(): string {
  const root = tempDir('lychd-sovereign-');
  for (const rel of [
    'codex/lychd.toml',
    'core',
    'extensions',
    'forge/templates',
    'forge/synthesis',
    'forge/federation.json',
    'forge/synthesis.lock.json',
    'flake.nix',
  ])
    fs.cpSync(path.join(WORKSPACE, rel), path.join(root, rel), {
      recursive: true,
      filter: (src) => !/(^|\/)(__pycache__|\.venv|node_modules|\.stage-[^/]*)$/.test(src),
    });
  fs.cpSync(STANDINS, path.join(root, '.standins'), { recursive: true });
  return root;
}

/** The real Nix evaluator on the generated flake, every input replaced by its stand-in, offline. */
export function nixEval(root: string, attr: string, apply: string): unknown {
  const overrides = Object.entries(OVERRIDES).flatMap(([input, dir]) => [
    '--override-input',
    input,
    `path:${path.join(root, '.standins', dir)}`,
  ]);
  const r = runProgram(
    requireTool('nix'),
    ['eval', '--json', '--offline', '--no-write-lock-file', ...overrides, `.#${attr}`, '--apply', apply],
    { cwd: root, timeoutMs: 120_000 },
  );
  if (r.status !== 0) throw new Error(`nix eval .#${attr} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** `nix flake lock` with the stand-ins: the flake.lock a user's Nix writes, with path inputs. */
export function nixLock(root: string): void {
  const overrides = Object.entries(OVERRIDES).flatMap(([input, dir]) => [
    '--override-input',
    input,
    `path:${path.join(root, '.standins', dir)}`,
  ]);
  const r = runProgram(requireTool('nix'), ['flake', 'lock', '--offline', ...overrides], { cwd: root, timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`nix flake lock failed (${r.status}):\n${r.stderr}`);
}

/** Evaluates a Nix expression (no flake, no files) to JSON. */
export function nixExpr(expr: string): unknown {
  const r = runProgram(requireTool('nix'), ['eval', '--json', '--offline', '--expr', expr], { cwd: os.tmpdir(), timeoutMs: 60_000 });
  if (r.status !== 0) throw new Error(`nix eval --expr failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}
