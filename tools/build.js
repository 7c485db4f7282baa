// Builds the package as it is packed (`npm pack` runs it): the compiled JavaScript and .d.ts files
// in dist/, and in example/ the workspace's example (Codex, core, extensions) and its templates
// (forge/templates), as `nx g @lychd/forge:init` writes them into a workspace. The Forge's own
// checkout runs the TypeScript sources and needs neither (bin/load.js).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PACKAGE = __dirname;
const WORKSPACE = path.dirname(PACKAGE);
// Mirrored in src/generators/init/example.ts, which reads them from the workspace in a checkout.
const EXAMPLE = ['codex', 'core', 'extensions', 'forge/templates'];

function run(file, args, cwd) {
  const r = spawnSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed (exit ${r.status})`);
  }
  return r.stdout;
}

for (const dir of ['dist', 'example']) fs.rmSync(path.join(PACKAGE, dir), { recursive: true, force: true });
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], PACKAGE);

// The example's tracked files only: nothing a local run left behind (locks, caches, virtualenvs).
const tracked = run('git', ['ls-files', '-z', '--', ...EXAMPLE], WORKSPACE)
  .split('\0')
  .filter(Boolean);
for (const rel of tracked) {
  const to = path.join(PACKAGE, 'example', rel);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(WORKSPACE, rel), to);
}
process.stderr.write(`built dist/ and example/ (${tracked.length} files)\n`);
