// Start-up cost of the two ways to run the TypeScript sources: tools/bin/register.js (swc's
// transformSync per file, no tsconfig) against the maintained @swc-node/register. Each run is a
// fresh `lychd-forge validate` of the example Codex, the work every Forge task starts with.
// Usage: node bench/register.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 9);
const entry = "require('./tools/src/cli/main.ts').main(['validate']).then((c) => { process.exitCode = c; })";
const variants = {
  'tools/bin/register.js': ['-r', './tools/bin/register.js', '-e', entry],
  '@swc-node/register': ['-r', '@swc-node/register', '-e', entry],
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(variants)) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    times[name].push(Number(process.hrtime.bigint() - start) / 1e9);
  }
}
const base = median(times['tools/bin/register.js']);
console.log(`runs: ${runs}, node ${process.version}`);
for (const [name, xs] of Object.entries(times)) {
  console.log(
    `${name.padEnd(24)} median ${median(xs).toFixed(3)} s  min ${Math.min(...xs).toFixed(3)}  max ${Math.max(...xs).toFixed(3)}  ratio ${(median(xs) / base).toFixed(2)}x`,
  );
}
