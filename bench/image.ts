// Benchmark of the image build (issue figures): a cold `nx run forge:image` with the base cached
// against `buildah bud` of the same Containerfile with the same flags by hand; a rebuild after a
// one-line edit to an extension's source; a no-op run against a trivial cached Nx task; and the
// image's size against the base's.
// Usage (root; buildah, mmdebstrap and uv installed): node -r @swc-node/register bench/image.ts [--runs 3] [--cold-runs 1]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyWorkspace, ISOLATED_PLUGINS, type WorkspaceCopy } from '../test/support/workspace';
import { requireTool } from '../tools/src/toolchain';
import { Buildah } from '../tools/src/image/buildah';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a whole number`);
  return v;
}
const runs = option('--runs', 3);
const coldRuns = option('--cold-runs', 1);
const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function timed(what: string, fn: () => { status: number | null; stdout: string; stderr: string }): number {
  const start = process.hrtime.bigint();
  const r = fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stdout}\n${r.stderr}`);
  return seconds;
}

const nx =
  (ws: WorkspaceCopy, target: string, extra: string[] = []) =>
  () =>
    ws.nxSync(['run', target, '--output-style=static', ...extra]);

progress('copying the workspace');
// What a user's nx does: Nx's default plugin workers.
const ws = copyWorkspace({ env: ISOLATED_PLUGINS });
ws.write(
  'bench-floor/project.json',
  `${JSON.stringify({ name: 'bench-floor', targets: { noop: { command: 'echo floor', cache: true, inputs: ['{projectRoot}/project.json'], outputs: [] } } }, null, 2)}\n`,
);
ws.git(['add', '-A']);
ws.git(['commit', '-q', '-m', 'bench floor']);
const store = path.join(ws.root, 'tmp/forge/buildah');
const handStore = path.join(ws.root, 'tmp/bench-hand');
const buildahBin = requireTool('buildah');

try {
  progress('warming: the base (cached across runs by the Forge) and the uv cache');
  timed('warm-up forge:image', nx(ws, 'forge:image'));

  const cold: number[] = [];
  const hand: number[] = [];
  for (let r = 0; r < coldRuns; r++) {
    // Cold: no layer cache, and no previous layout whose layers the new one could reuse.
    fs.rmSync(store, { recursive: true, force: true });
    fs.rmSync(path.join(ws.root, 'dist/forge/image'), { recursive: true, force: true });
    cold.push(timed('cold forge:image', nx(ws, 'forge:image', ['--skip-nx-cache'])));
    progress(`cold nx run forge:image ${cold.at(-1)!.toFixed(1)} s`);
    fs.rmSync(handStore, { recursive: true, force: true });
    const b = new Buildah(buildahBin, handStore);
    const context = path.join(ws.root, 'tmp/forge/context');
    const bud = [
      'bud',
      '--isolation',
      'chroot',
      '--timestamp',
      '0',
      '--identity-label=false',
      '--layers',
      '--pull-never',
      '-f',
      path.join(context, 'Containerfile'),
      context,
    ];
    hand.push(
      timed('buildah bud by hand', () => spawnSync(buildahBin, [...b.storeArgs, ...bud], { encoding: 'utf8', maxBuffer: 1 << 28 })),
    );
    progress(`buildah bud by hand ${hand.at(-1)!.toFixed(1)} s`);
    b.run(['rmi', '--all', '--force']);
    fs.rmSync(handStore, { recursive: true, force: true });
  }

  const edit: number[] = [];
  const source = 'extensions/oracle/src/oracle/__init__.py';
  for (let r = 0; r < runs; r++) {
    ws.write(source, `${ws.read(source)}\nBENCH_EDIT_${r} = ${r}\n`);
    edit.push(timed('edited forge:image', nx(ws, 'forge:image')));
    progress(`one-line edit rebuild ${edit.at(-1)!.toFixed(1)} s`);
  }

  const noop: number[] = [];
  const floor: number[] = [];
  timed('floor warm-up', nx(ws, 'bench-floor:noop'));
  for (let r = 0; r < runs; r++) {
    noop.push(timed('no-op forge:image', nx(ws, 'forge:image')));
    floor.push(timed('floor', nx(ws, 'bench-floor:noop')));
  }

  const summary = JSON.parse(ws.read('dist/forge/image/image.json')) as { imageId: string };
  const layout = path.join(ws.root, 'dist/forge/image/oci');
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(layout, 'blobs', ...index.manifests[0].digest.split(':')), 'utf8')) as {
    layers: { size: number }[];
  };
  const imageBytes = manifest.layers.reduce((n, l) => n + l.size, 0);
  const baseBytes = manifest.layers[0]!.size;

  const m = { cold: median(cold), hand: median(hand), edit: median(edit), noop: median(noop), floor: median(floor) };
  const row = (name: string, xs: number[], ratio: string, target: string) =>
    `${name.padEnd(38)} ${median(xs).toFixed(2).padStart(8)} ${`${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`.padStart(12)} ${String(xs.length).padStart(4)}  ${ratio.padEnd(22)} ${target}`;
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  console.log(
    [
      `image ${summary.imageId}`,
      '',
      `${'scenario'.padEnd(38)} ${'median s'.padStart(8)} ${'min-max s'.padStart(12)} runs  ${'ratio'.padEnd(22)} target`,
      row(
        'cold nx run forge:image (base cached)',
        cold,
        `${(m.cold / m.hand).toFixed(2)}x buildah by hand`,
        `<= 1.1x: ${m.cold <= 1.1 * m.hand ? 'met' : 'NOT met'}`,
      ),
      row('buildah bud by hand (same flags)', hand, '1.00x', ''),
      row(
        'one-line extension edit',
        edit,
        `${(m.edit / m.cold).toFixed(2)}x cold`,
        `<= 0.25x: ${m.edit <= 0.25 * m.cold ? 'met' : 'NOT met'}`,
      ),
      row(
        'no-op nx run forge:image',
        noop,
        `${(m.noop / m.floor).toFixed(2)}x floor`,
        `<= 1.1x: ${m.noop <= 1.1 * m.floor ? 'met' : 'NOT met'}`,
      ),
      row('floor: one trivial cached Nx task', floor, '1.00x', ''),
      '',
      `image size ${mb(imageBytes)} (uncompressed layers in the OCI layout) against the base's ${mb(baseBytes)}: ${(imageBytes / baseBytes).toFixed(2)}x`,
    ].join('\n'),
  );
} finally {
  if (!process.argv.includes('--keep')) {
    const b = new Buildah(buildahBin, store);
    b.run(['rm', '--all']);
    b.run(['rmi', '--all', '--force']);
    fs.rmSync(ws.root, { recursive: true, force: true });
  }
}
