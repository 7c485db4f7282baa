// Cost of the Sovereign path's steps that run here: rendering flake.nix, and the Nix evaluator
// (nix-bin 2.26 in its trixie root) evaluating the example's image against the stand-ins, next to
// its floor (`nix --version` through the same wrapper).
// Usage: node -r @swc-node/register bench/sovereign.ts [--runs 9]
import * as fs from 'node:fs';
import { renderFlake } from '../tools/src/image/sovereign';
import { requireTool } from '../tools/src/toolchain';
import { runProgram } from '../tools/src/toolchain/run';
import { copyExample, nixEval } from '../test/sovereign/nix-eval';
import { WORKSPACE } from '../test/support/codex-fixture';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 9) || 9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (fn: () => unknown) => {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
};

const root = copyExample();
try {
  const nix = requireTool('nix');
  const render = time(() => renderFlake({ workspaceRoot: WORKSPACE }));
  const floor = time(() => runProgram(nix, ['--version']));
  const evaluate = time(() => nixEval(root, 'packages.x86_64-linux.image', 'i: i.args.config'));
  console.log(`runs: ${runs} (medians)`);
  console.log(`render flake.nix (example):                    ${render.toFixed(1)} ms`);
  console.log(`nix --version through the wrapper (floor):     ${floor.toFixed(1)} ms`);
  console.log(`nix eval of the image against the stand-ins:   ${evaluate.toFixed(1)} ms (${(evaluate / floor).toFixed(1)}x the floor)`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
