import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveTool } from '../../tools/src/toolchain';
import { runNx, type NxRun } from '../support/nx-run';
import { REQUIRE_TOOLS } from '../toolchain/tool-gate';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';
import { WORKSPACE } from '../support/codex-fixture';
import { mirrorLocks } from '../synthesis/fixtures';
import { tempDir } from '../support/temp';

/**
 * Cache correctness on a real workspace: each case edits one kind of input in a workspace copy
 * (`hot`, whose Nx cache carries over from case to case), runs the targets, and asserts exactly
 * which tasks ran; then the same edit goes into a second copy (`cold`) that rebuilds from scratch
 * with `--skip-nx-cache`, and every output of `hot` must equal it byte for byte. A stale hit
 * fails the output comparison or the "ran" list; an unneeded rerun fails the "ran" list. The two
 * copies share nothing, so each case builds them at the same time.
 */

const TITAN = 'codex/runes/animator/soulstones/llamacpp/titan.toml';
const EYE = 'codex/runes/animator/soulstones/sglang/vision_eye.toml';
const BROWSER = 'codex/runes/animator/soulstones/generic/browser.toml';
const ECHO = 'codex/runes/animator/soulstones/generic/echo.toml';
const PRIME = 'codex/lychd.toml';

// The lock stages resolve against a local index and registry holding what the committed locks
// name (mirrorLocks): no network is needed, only uv and npm. Without them only the Quadlet half
// can run; in CI a skip would hide half the matrix, so there it fails instead.
const synthesis = resolveTool('uv') !== undefined && resolveTool('npm') !== undefined;
if (!synthesis && REQUIRE_TOOLS) throw new Error('cache matrix: uv or npm is not installed, and CI requires them');
if (!synthesis) console.warn('cache matrix: SKIPPING the synthesis targets and cases: uv or npm is not installed');
const TARGETS = synthesis ? ['scribe', 'synthesize'] : ['scribe'];

// The rune folders of the example: one project each.
const runes = ['runes-generic', 'runes-llamacpp', 'runes-oracle-generic', 'runes-portals', 'runes-sglang', 'runes-vllm'];
const runeScribes = () => runes.map((r) => `${r}:scribe`);
const AGGREGATES = ['pod', 'core', 'observability', 'capabilities', 'federated'].map((p) => `quadlets:scribe-${p}`);
const LOCKS = ['forge:lock-python', 'forge:lock-node', 'forge:tailwind'];
const allTasks = () => [
  'codex:context',
  ...runeScribes(),
  ...AGGREGATES,
  'quadlets:scribe',
  ...(synthesis ? [...LOCKS, 'forge:synthesize'] : []),
];

let hot: WorkspaceCopy;
let cold: WorkspaceCopy;
let site: string;
let scratch: string;
let mirror: Awaited<ReturnType<typeof mirrorLocks>> | undefined;
// Environment of every run in both copies; the tool-version cases add to it for good.
const env: Record<string, string> = {};

beforeAll(async () => {
  scratch = tempDir('lychd-cache-');
  site = path.join(scratch, 'site');
  env.LYCHD_BINDING_SITE = site;
  if (synthesis) {
    mirror = await mirrorLocks(path.join(scratch, 'registries'), WORKSPACE);
    Object.assign(env, mirror.env);
  }
  hot = copyWorkspace();
  cold = copyWorkspace();
  for (const run of await Promise.all([build(hot), build(cold)])) ok(run);
}, 600_000);

afterAll(() => mirror?.stop());

function ok(run: NxRun): NxRun {
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

const nx = (ws: WorkspaceCopy, args: string[]): Promise<NxRun> => runNx(ws, args, env);

const build = (ws: WorkspaceCopy, extra: string[] = []) => nx(ws, ['run-many', '-t', ...TARGETS, '--output-style=static', ...extra]);

/** Forge tasks drop out of the expectation when the synthesis half cannot run. */
const available = (tasks: string[]) => tasks.filter((t) => synthesis || !t.startsWith('forge:'));

/** `ran` must be exactly `expected` (plus any of `tolerated`); every other task a cache hit. */
function expectRan(run: NxRun, expected: string[], tolerated: string[] = []) {
  ok(run);
  expect(run.ran.filter((t) => !tolerated.includes(t)).sort()).toEqual(available(expected).sort());
  expect([...run.ran, ...run.cached].sort()).toEqual(allTasks().sort());
}

/** Applies an edit to both copies, builds `hot` incrementally and checks it against a cold build. */
async function step(edit: (ws: WorkspaceCopy) => void, expected: string[], tolerated: string[] = []): Promise<NxRun> {
  edit(hot);
  edit(cold);
  const [run, coldRun] = await Promise.all([build(hot), buildCold()]);
  expectRan(run, expected, tolerated);
  expectSameAsCold(coldRun);
  return run;
}

/** The cold build under way, if any: a case that fails early must not leave it running into the next. */
let coldBuild: Promise<NxRun> | undefined;
afterEach(async () => {
  await coldBuild;
  coldBuild = undefined;
});

/** Starts building `cold` from scratch: no earlier outputs (the committed locks stay: they seed the resolution). */
function buildCold(): Promise<NxRun> {
  for (const dir of ['quadlets/generation', 'dist/forge']) fs.rmSync(path.join(cold.root, dir), { recursive: true, force: true });
  coldBuild = build(cold, ['--skip-nx-cache']);
  return coldBuild;
}

/** `hot`'s outputs must be those of `coldRun`, the cold build of the same edit. */
function expectSameAsCold(coldRun: NxRun) {
  ok(coldRun);
  const want = outputs(cold);
  const got = outputs(hot);
  // The units of a rune folder emptied since stay behind under dist/forge/runes; nothing reads them.
  for (const rel of got.keys()) if (rel.startsWith('dist/forge/runes/') && !want.has(rel)) got.delete(rel);
  const differing = [...new Set([...want.keys(), ...got.keys()])]
    .filter((rel) => !want.get(rel)?.equals(got.get(rel) ?? Buffer.alloc(0)) || !got.has(rel))
    .sort();
  expect(differing, 'outputs that differ from a cold build').toEqual([]);
}

/** Every output the targets produce, by workspace-relative path. */
function outputs(ws: WorkspaceCopy): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (rel: string) => {
    const abs = path.join(ws.root, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const name of fs.readdirSync(abs)) if (!name.startsWith('.stage-')) walk(path.posix.join(rel, name));
    } else files.set(rel, fs.readFileSync(abs));
  };
  for (const rel of ['quadlets/generation', 'dist/forge', 'forge/synthesis', 'forge/synthesis.lock.json']) walk(rel);
  return files;
}

/**
 * The Binding Site as it is on disk, mtimes included, through its link into the generation
 * store: a no-op bind must not touch it.
 */
function siteSnapshot(): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (rel: string) => {
    const abs = path.join(site, rel);
    const lst = fs.lstatSync(abs);
    const st = fs.statSync(abs);
    const link = lst.isSymbolicLink() ? `-> ${fs.readlinkSync(abs)} ${lst.mtimeMs} ` : '';
    if (st.isDirectory()) {
      entries[rel] = `${link}dir ${st.mtimeMs}`;
      for (const name of fs.readdirSync(abs)) walk(path.join(rel, name));
    } else entries[rel] = `${link}file ${st.mtimeMs} ${fs.readFileSync(abs, 'utf8')}`;
  };
  walk('.');
  return entries;
}

/** The installed copy of a unit, wherever the site's link puts it. */
function installed(unit: string): string | undefined {
  const hit = Object.entries(siteSnapshot()).find(([rel]) => path.basename(rel) === unit);
  return hit && fs.readFileSync(path.join(site, hit[0]), 'utf8');
}

const replace = (rel: string, from: string, to: string) => (ws: WorkspaceCopy) => {
  const text = ws.read(rel);
  expect(text, `${rel} holds ${from}`).toContain(from);
  ws.write(rel, text.replace(from, to));
};

const commit = (ws: WorkspaceCopy) => {
  ws.git(['add', '-A']);
  ws.git(['commit', '-q', '--allow-empty', '-m', 'state']);
  return ws.git(['rev-parse', 'HEAD']).trim();
};

/** A tool that reports another version but otherwise is the real one: a tool upgrade, as Nx sees it. */
function versionShim(name: 'uv' | 'npm'): string {
  const real = resolveTool(name, { workspaceRoot: hot.root })!;
  const version = spawnSync(real, ['--version'], { encoding: 'utf8' })
    .stdout.trim()
    .replace(/(\d+\.\d+\.\d+)/, '$1+cachetest');
  const shim = path.join(scratch, `${name}-shim`);
  fs.writeFileSync(shim, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo '${version}'; exit 0; fi\nexec '${real}' "$@"\n`, {
    mode: 0o755,
  });
  return shim;
}

const T = 300_000;

describe.sequential('cache matrix', () => {
  // Runs that later cases look back at.
  let unexposedPort: NxRun | undefined;
  let runeAdded: NxRun | undefined;
  let runeRemoved: NxRun | undefined;
  let affected: NxRun | undefined;
  let installedTitan = '';

  it(
    'reruns nothing when nothing changed',
    async () => {
      expectRan(await build(hot), []);
    },
    T,
  );

  it(
    'a soulstone port reruns its rune folder, the context and the aggregates that read ports, nothing else',
    async () => {
      unexposedPort = await step(replace(TITAN, 'port = 8783', 'port = 8793'), [
        'codex:context',
        'runes-llamacpp:scribe',
        'quadlets:scribe-observability',
        'quadlets:scribe-capabilities',
        'quadlets:scribe',
        'forge:synthesize',
      ]);
    },
    T,
  );

  // pod.json must carry the ports of exposed soulstones only: lychd.pod publishes nothing else.
  it('the port of an unexposed soulstone leaves quadlets:scribe-pod cached', () => {
    expect(unexposedPort?.cached).toContain('quadlets:scribe-pod');
  });

  it(
    'an exposed soulstone port also reruns the pod',
    async () => {
      await step(replace(EYE, 'port = 8780', 'port = 8784'), [
        'codex:context',
        'runes-sglang:scribe',
        'quadlets:scribe-pod',
        'quadlets:scribe-observability',
        'quadlets:scribe-capabilities',
        'quadlets:scribe',
        'forge:synthesize',
      ]);
      expect(hot.read('quadlets/generation/lychd.pod')).toContain(':8784:8784');
    },
    T,
  );

  it(
    "a rune's groups rerun every rune folder (they share the covens) and the capabilities",
    async () => {
      await step(replace(TITAN, 'groups = ["deep-think"]', 'groups = ["deep-think", "voice"]'), [
        'codex:context',
        ...runeScribes(),
        'quadlets:scribe-capabilities',
        // The example's scriptorium ledger is a federated soulstone: its unit names the covens too.
        'quadlets:scribe-federated',
        'quadlets:scribe',
        'forge:synthesize',
      ]);
    },
    T,
  );

  it(
    'a rune added joins its folder and reruns what lists the soulstones',
    async () => {
      runeAdded = await step(
        (ws) => ws.write(ECHO, ws.read(BROWSER).replace('name = "browser"', 'name = "echo"').replaceAll('8790', '8795')),
        [
          'codex:context',
          ...runeScribes(),
          'quadlets:scribe-observability',
          'quadlets:scribe-capabilities',
          'quadlets:scribe-federated',
          'quadlets:scribe',
          'forge:synthesize',
        ],
      );
      expect(fs.existsSync(path.join(hot.root, 'quadlets/generation/soulstone-echo.container'))).toBe(true);
    },
    T,
  );

  it(
    'a rune removed leaves no unit behind',
    async () => {
      runeRemoved = await step(
        (ws) => fs.rmSync(path.join(ws.root, BROWSER)),
        [
          'codex:context',
          ...runeScribes(),
          'quadlets:scribe-observability',
          'quadlets:scribe-capabilities',
          'quadlets:scribe-federated',
          'quadlets:scribe',
          'forge:synthesize',
        ],
      );
      expect(fs.existsSync(path.join(hot.root, 'quadlets/generation/soulstone-browser.container'))).toBe(false);
    },
    T,
  );

  // Nx hashes each task's project configuration (`quadlets:ProjectConfiguration` in the hash
  // plan): if the quadlets project named the rune folders, a rune added or removed would rerun
  // every aggregate, core included, although core.json (portals only) did not change.
  it('a soulstone added or removed leaves quadlets:scribe-core cached', () => {
    for (const run of [runeAdded, runeRemoved]) expect(run?.cached).toContain('quadlets:scribe-core');
  });

  // The pod reads only the exposed ports and whether any runtime needs a large /dev/shm
  // (podFacts in tools/src/tasks/facts.ts), so an unexposed `echo` added or `browser` removed is no
  // reason to render lychd.pod again.
  it('an unexposed soulstone added or removed leaves quadlets:scribe-pod cached', () => {
    for (const run of [runeAdded, runeRemoved]) expect(run?.cached).toContain('quadlets:scribe-pod');
  });

  it(
    'a rune edit that renders the same leaves the Binding Site untouched',
    async () => {
      const first = await nx(hot, ['run', 'quadlets:bind', '--output-style=static']);
      ok(first);
      expect(first.ran).toEqual(['quadlets:bind']);
      expect(installed('soulstone-titan.container')).toBe(hot.read('quadlets/generation/soulstone-titan.container'));
      const before = siteSnapshot();

      // Same fields, reordered, with a comment: the file (an input) changes, the facts do not.
      const reorder = (ws: WorkspaceCopy) => {
        const text = ws.read(TITAN);
        const image = text.split('\n').find((l) => l.startsWith('image = '))!;
        ws.write(TITAN, `# reordered on purpose\n${text.replace(`${image}\n`, '')}${image}\n`);
      };
      reorder(hot);
      reorder(cold);
      const coldRun = buildCold();
      const again = await nx(hot, ['run', 'quadlets:bind', '--output-style=static']);
      ok(again);
      expect(again.ran.sort()).toEqual(['codex:context', 'quadlets:bind', 'runes-llamacpp:scribe']);
      expect(again.stdout).toContain('nothing changed');
      expect(siteSnapshot()).toEqual(before);

      // The site holds this generation intact: bind, too, is a cache hit now.
      const third = ok(await nx(hot, ['run', 'quadlets:bind', '--output-style=static']));
      expect(third.ran).toEqual([]);
      expect(third.cached).toContain('quadlets:bind');
      expect(siteSnapshot()).toEqual(before);

      expectRan(await build(hot), []);
      expectSameAsCold(await coldRun);
    },
    T,
  );

  it(
    'the Prime Scroll (targeted podman version) reruns every rendering task, not the locks',
    async () => {
      await step(replace(PRIME, 'podman_version = "5.3"', 'podman_version = "5.4"'), [
        'codex:context',
        ...runeScribes(),
        ...AGGREGATES,
        'quadlets:scribe',
        'forge:synthesize',
      ]);
    },
    T,
  );

  it(
    "nx affected -t bind schedules only the edited rune's folder among the rune folders",
    async () => {
      const base = commit(hot);
      const edit = replace(TITAN, 'port = 8793', 'port = 8794');
      edit(hot);
      edit(cold);
      const coldRun = buildCold();
      affected = ok(await nx(hot, ['affected', '-t', 'bind', `--base=${base}`, '--output-style=static']));
      installedTitan = installed('soulstone-titan.container') ?? '';
      expect(affected.ran).toContain('runes-llamacpp:scribe');
      expect([...affected.ran, ...affected.cached].filter((t) => t.startsWith('runes-') && t.endsWith(':bind'))).toEqual([
        'runes-llamacpp:bind',
      ]);

      // A full build completes what affected left out; together they ran what a port edit reruns.
      const rest = await build(hot);
      ok(rest);
      expect(
        rest.ran.filter((t) => affected!.ran.includes(t)),
        'reran after affected',
      ).toEqual([]);
      const together = [...new Set([...affected.ran, ...rest.ran])].filter((t) => !t.endsWith(':bind'));
      expect(together.sort()).toEqual(
        available([
          'codex:context',
          'runes-llamacpp:scribe',
          'quadlets:scribe-observability',
          'quadlets:scribe-capabilities',
          'quadlets:scribe',
          'forge:synthesize',
        ]).sort(),
      );
      expectSameAsCold(await coldRun);
    },
    T,
  );

  // Nx 24 selects affected *tasks* by their inputs (NX_LEGACY_AFFECTED unset) and `dependsOn`
  // alone does not make a task affected: quadlets:bind must take what it installs as inputs, or
  // `nx affected -t bind` after a rune edit would leave the Binding Site with the old unit.
  it('nx affected -t bind installs a rune edit in the Binding Site', () => {
    expect(affected?.ran).toContain('quadlets:bind');
    expect(installedTitan).toContain('8794');
  });

  // bind is a cache hit only while the site holds the rendered generation intact
  // (tools/src/binding/state.ts): after a hand edit or a rollback it must run and put it back.
  it(
    'a Binding Site edited by hand or rolled back makes bind run again',
    async () => {
      const unit = path.join(site, 'lychd', 'soulstone-titan.container');
      const want = hot.read('quadlets/generation/soulstone-titan.container');
      expect(fs.readFileSync(unit, 'utf8')).toBe(want);
      const bindAgain = async () => {
        const run = ok(await nx(hot, ['run', 'quadlets:bind', '--output-style=static']));
        expect(run.ran).toEqual(['quadlets:bind']);
        expect(fs.readFileSync(unit, 'utf8')).toBe(want);
      };

      const rollback = spawnSync(process.execPath, ['tools/bin/lychd-forge.js', 'bind', '--rollback'], {
        cwd: hot.root,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect(rollback.status, rollback.stderr).toBe(0);
      expect(fs.readFileSync(unit, 'utf8')).not.toBe(want);
      await bindAgain();

      fs.writeFileSync(unit, `${want}# edited by hand\n`);
      await bindAgain();

      // Its hash was taken before it installed, so the next bind runs once more and finds nothing to
      // do; from then on the site's state repeats and bind is a hit.
      const settle = ok(await nx(hot, ['run', 'quadlets:bind', '--output-style=static']));
      expect(settle.stdout).toContain('nothing changed');
      const idle = ok(await nx(hot, ['run', 'quadlets:bind', '--output-style=static']));
      expect(idle.ran).toEqual([]);
    },
    T,
  );

  it.skipIf(!synthesis)(
    'a tailwind config reruns only the tailwind stage and the assembly; affected binds nothing',
    async () => {
      const base = commit(hot);
      const before = siteSnapshot();
      const edit = replace('extensions/atelier/tailwind.config.js', "950: '#0b0a10'", "950: '#0c0a11'");
      edit(hot);
      edit(cold);
      const coldRun = buildCold();
      const affected = await nx(hot, ['affected', '-t', 'bind', `--base=${base}`, '--output-style=static']);
      ok(affected);
      expect([...affected.ran, ...affected.cached]).toEqual([]);
      expect(siteSnapshot()).toEqual(before);

      expectRan(await build(hot), ['forge:tailwind', 'forge:synthesize']);
      expectSameAsCold(await coldRun);
    },
    T,
  );

  it.skipIf(!synthesis)(
    'an extension template reruns only the assembly',
    async () => {
      await step(
        (ws) =>
          ws.write(
            'extensions/atelier/templates/panel.html',
            `${ws.read('extensions/atelier/templates/panel.html')}<!-- cache matrix -->\n`,
          ),
        ['forge:synthesize'],
      );
    },
    T,
  );

  it.skipIf(!synthesis)(
    "an extension's package.json re-locks Node, not Python",
    async () => {
      await step(replace('extensions/atelier/package.json', '"ms": "^2.1.0"', '"ms": "^2.1.3"'), ['forge:lock-node', 'forge:synthesize']);
    },
    T,
  );

  it.skipIf(!synthesis)(
    "an extension's pyproject re-locks Python, not Node",
    async () => {
      await step(replace('extensions/oracle/pyproject.toml', '"httpx>=0.27,<1"', '"httpx>=0.27.2,<1"'), [
        'codex:context',
        'forge:lock-python',
        'forge:synthesize',
      ]);
    },
    T,
  );

  it.skipIf(!synthesis)(
    "an extension's system dependencies rerun the Python stage and the assembly",
    async () => {
      await step(
        replace('extensions/oracle/pyproject.toml', 'system-dependencies = ["ffmpeg"]', 'system-dependencies = ["ffmpeg", "sox"]'),
        ['codex:context', 'forge:lock-python', 'forge:synthesize'],
      );
      expect(hot.read('forge/synthesis.lock.json')).toContain('"sox"');
    },
    T,
  );

  it.skipIf(!synthesis)(
    'another uv version re-locks Python, not Node',
    async () => {
      env.LYCHD_UV = versionShim('uv');
      await step(() => {}, ['forge:lock-python', 'forge:synthesize']);
      expect(hot.read('forge/synthesis.lock.json')).toContain('+cachetest');
    },
    T,
  );

  it.skipIf(!synthesis)(
    'another npm version re-locks Node, not Python',
    async () => {
      env.LYCHD_NPM = versionShim('npm');
      await step(() => {}, ['forge:lock-node', 'forge:synthesize']);
    },
    T,
  );

  it(
    "the plugin's own source reruns every task",
    async () => {
      await step((ws) => ws.write('tools/src/scribe/pod.ts', `${ws.read('tools/src/scribe/pod.ts')}// cache matrix\n`), allTasks());
    },
    T,
  );
});
