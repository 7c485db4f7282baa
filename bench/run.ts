// Benchmark of the Nx flow against the floor (one cached trivial Nx task) and the raw core.
// Usage: node -r @swc-node/register bench/run.ts [--sizes 10,100,1000] [--runs 5] [--cold-runs N]
//          [--scenarios raw,cold,noop,floor,edit] [--env KEY=VALUE ...] [--keep]
// See bench/README.md for what each scenario means and the findings.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyWorkspace, ISOLATED_PLUGINS, type WorkspaceCopy } from '../test/support/workspace';
import { editPort, writeCodex, type GeneratedRune } from './codex';

interface Options {
  sizes: number[];
  runs: number;
  coldRuns?: number;
  scenarios: Set<string>;
  env: Record<string, string>;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    sizes: [10, 100, 1000],
    runs: 5,
    scenarios: new Set(['raw', 'cold', 'noop', 'floor', 'edit']),
    env: {},
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') o.sizes = value().split(',').map(Number);
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--cold-runs') o.coldRuns = Number(value());
    else if (a === '--scenarios') o.scenarios = new Set(value().split(','));
    else if (a === '--env') {
      const [k, ...v] = value().split('=');
      o.env[k!] = v.join('=');
    } else if (a === '--keep') {
      o.keep = true;
      // The workspace copy is a temporary folder, removed at exit unless kept (test/support/temp.ts).
      process.env.LYCHD_TEST_KEEP = '1';
    } else throw new Error(`unknown argument ${a}`);
  }
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 2) || !Number.isInteger(o.runs) || o.runs < 1)
    throw new Error('--sizes and --runs take whole numbers');
  return o;
}

const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Sample {
  seconds: number;
  /** Tasks in the run and how many came from the cache (Nx's own summary). */
  tasks?: number;
  cached?: number;
  /** Nx's own "Run duration": the task phase, without start-up and the project graph. */
  nxRunSeconds?: number;
  /** Summed task durations per target name, from NX_PROFILE. */
  byTarget?: Record<string, { count: number; seconds: number }>;
  /** In-process timings of the raw core, in ms. */
  core?: { loadMs: number; renderMs: number; writeMs: number };
}

function parseDuration(text: string): number | undefined {
  let s = 0;
  let matched = false;
  for (const [, v, unit] of text.matchAll(/([\d.]+)\s*(ms|s|m)\b/g)) {
    matched = true;
    s += Number(v) * (unit === 'ms' ? 0.001 : unit === 'm' ? 60 : 1);
  }
  return matched ? s : undefined;
}

function timed(fn: () => { status: number | null; stdout: string; stderr: string }, what: string) {
  const start = performance.now();
  const r = fn();
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return { seconds, stdout: r.stdout };
}

/** One `nx run`, timed from spawn to exit, with Nx's own task counts and per-target task times. */
function nxSample(ws: WorkspaceCopy, target: string, env: Record<string, string>): Sample {
  const profile = path.join('.nx-data', `profile-${process.hrtime.bigint()}.json`);
  const { seconds, stdout } = timed(() => ws.nxSync(['run', target], { ...env, NX_PROFILE: profile }), `nx run ${target}`);
  const cache = /Cache:\s+(\d+)\/(\d+) hit/.exec(stdout);
  const run = /Run duration:\s+([^\n]+)/.exec(stdout);
  const sample: Sample = {
    seconds,
    tasks: cache ? Number(cache[2]) : undefined,
    cached: cache ? Number(cache[1]) : undefined,
    nxRunSeconds: run ? parseDuration(run[1]!) : undefined,
  };
  const profileFile = path.join(ws.root, profile);
  if (fs.existsSync(profileFile)) {
    sample.byTarget = {};
    for (const e of JSON.parse(fs.readFileSync(profileFile, 'utf8')) as {
      ph: string;
      dur: number;
      args?: { target?: { target: string }; status?: string };
    }[]) {
      // A cache hit's profile span covers its whole scheduling group, not work: count executed tasks only.
      if (e.ph !== 'X' || !e.args?.target || e.args.status?.includes('cache')) continue;
      const t = (sample.byTarget[e.args.target.target] ??= { count: 0, seconds: 0 });
      t.count++;
      t.seconds += e.dur / 1e6;
    }
    fs.rmSync(profileFile);
  }
  return sample;
}

interface Scenario {
  name: string;
  samples: Sample[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The floor: one trivial cached task, in the same workspace, so the same project graph is built. */
function addFloorProject(ws: WorkspaceCopy): void {
  ws.write(
    'bench-floor/project.json',
    `${JSON.stringify({ name: 'bench-floor', targets: { noop: { command: 'echo floor', cache: true, inputs: ['{projectRoot}/project.json'], outputs: [] } } }, null, 2)}\n`,
  );
}

function benchSize(n: number, o: Options): Scenario[] {
  progress(`${n} runes: copying the workspace and generating the Codex`);
  // What a user's nx does: Nx's default plugin workers.
  const ws = copyWorkspace({ env: ISOLATED_PLUGINS });
  const runes = writeCodex(ws.root, n);
  addFloorProject(ws);
  ws.git(['add', '-A']);
  ws.git(['commit', '-q', '-m', `bench codex of ${n} runes`]);
  const scratch = (name: string) => path.join(ws.root, '.nx-data', name);
  const results: Scenario[] = [];
  const want = (s: string) => o.scenarios.has(s);
  const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: ws.root, encoding: 'utf8' });

  try {
    if (want('raw')) {
      const proc: Sample[] = [];
      const inproc: Sample[] = [];
      for (let r = 0; r < o.runs; r++) {
        fs.rmSync(scratch('raw'), { recursive: true, force: true });
        proc.push({
          seconds: timed(
            () => node(['tools/bin/lychd-forge.js', 'scribe', '--codex', 'codex', '--out', scratch('raw')]),
            'lychd-forge scribe',
          ).seconds,
        });
        fs.rmSync(scratch('raw'), { recursive: true, force: true });
        const { stdout } = timed(() => node(['-r', '@swc-node/register', 'bench/raw-core.ts', 'codex', scratch('raw')]), 'raw core');
        const core = JSON.parse(stdout.trim().split('\n').pop()!) as Sample['core'] & { files: number };
        inproc.push({ seconds: (core.loadMs + core.renderMs + core.writeMs) / 1000, core });
      }
      results.push({ name: 'raw core (process)', samples: proc }, { name: 'raw core (in-process)', samples: inproc });
      progress(`${n} runes: raw core ${median(proc.map((s) => s.seconds)).toFixed(2)} s`);
    }

    // Every cold run gets an empty cache, empty workspace data (as on a fresh CI runner) and a new Binding Site.
    const coldRuns = o.coldRuns ?? (n >= 100 ? 1 : Math.min(o.runs, 3));
    let warm: Record<string, string> = {
      ...o.env,
      NX_CACHE_DIRECTORY: scratch('cache-warm'),
      NX_WORKSPACE_DATA_DIRECTORY: scratch('data-warm'),
      LYCHD_BINDING_SITE: scratch('site-warm'),
    };
    const cold: Sample[] = [];
    for (let r = 0; r < (want('cold') ? coldRuns : 1); r++) {
      for (const out of ['dist/forge', 'quadlets/generation']) fs.rmSync(path.join(ws.root, out), { recursive: true, force: true });
      warm = {
        ...o.env,
        NX_CACHE_DIRECTORY: scratch(`cache-${r}`),
        NX_WORKSPACE_DATA_DIRECTORY: scratch(`data-${r}`),
        LYCHD_BINDING_SITE: scratch(`site-${r}`),
      };
      progress(`${n} runes: cold bind ${r + 1}/${coldRuns}`);
      cold.push(nxSample(ws, 'quadlets:bind', warm));
    }
    if (want('cold')) results.push({ name: 'cold bind', samples: cold });

    if (want('noop')) {
      const samples: Sample[] = [];
      for (let r = 0; r < o.runs; r++) samples.push(nxSample(ws, 'quadlets:bind', warm));
      results.push({ name: 'no-op bind', samples });
      progress(`${n} runes: no-op ${median(samples.map((s) => s.seconds)).toFixed(2)} s`);
    }

    if (want('floor')) {
      nxSample(ws, 'bench-floor:noop', warm); // fills the cache
      const samples: Sample[] = [];
      for (let r = 0; r < o.runs; r++) samples.push(nxSample(ws, 'bench-floor:noop', warm));
      results.push({ name: 'floor', samples });
      progress(`${n} runes: floor ${median(samples.map((s) => s.seconds)).toFixed(2)} s`);
    }

    if (want('edit')) {
      // A different soulstone each run, moved to a port no rune uses: every run is a real edit.
      const stones = runes.filter((r): r is GeneratedRune => r.kind === 'soulstone');
      const samples: Sample[] = [];
      for (let r = 0; r < o.runs; r++) {
        editPort(ws.root, stones[Math.floor(((r + 1) * stones.length) / (o.runs + 1))]!.file, 40000 + r);
        samples.push(nxSample(ws, 'quadlets:bind', warm));
      }
      results.push({ name: 'one-rune edit', samples });
      progress(`${n} runes: one-rune edit ${median(samples.map((s) => s.seconds)).toFixed(2)} s`);
    }
  } finally {
    if (o.keep) progress(`kept ${ws.root}`);
    else fs.rmSync(ws.root, { recursive: true, force: true });
  }
  return results;
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

function report(n: number, scenarios: Scenario[]): string[] {
  const med = (name: string) => {
    const s = scenarios.find((x) => x.name === name);
    return s ? median(s.samples.map((x) => x.seconds)) : undefined;
  };
  const floor = med('floor');
  const raw = med('raw core (process)');
  const noop = med('no-op bind');
  // The no-op and cold targets are set for 1,000 runes; the edit target for every size.
  const atScale = (text: string, ok: boolean) => (n >= 1000 ? `${text}: ${ok ? 'met' : 'MISSED'}` : `(${text} is set for 1,000 runes)`);
  const targets: Record<string, () => string> = {
    'no-op bind': () => (floor === undefined || noop === undefined ? '-' : atScale('<= 1.1x floor', noop <= 1.1 * floor)),
    'one-rune edit': () =>
      noop === undefined
        ? '-'
        : `<= 1.5x no-op (${fmt(med('one-rune edit')! / noop)}x): ${med('one-rune edit')! <= 1.5 * noop ? 'met' : 'MISSED'}`,
    'cold bind': () => (raw === undefined ? '-' : atScale('<= 2x raw core', med('cold bind')! <= 2 * raw)),
  };
  const lines: string[] = [];
  for (const s of scenarios) {
    const xs = s.samples.map((x) => x.seconds);
    const m = median(xs);
    const last = s.samples[s.samples.length - 1]!;
    const tasks = last.tasks === undefined ? '-' : `${last.tasks - last.cached!} run / ${last.cached} cached`;
    const nxRun = last.nxRunSeconds === undefined ? '-' : fmt(last.nxRunSeconds);
    lines.push(
      [
        String(n).padStart(5),
        s.name.padEnd(21),
        fmt(m).padStart(8),
        `${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}`.padStart(13),
        String(xs.length).padStart(4),
        (floor ? fmt(m / floor) : '-').padStart(7),
        (raw ? fmt(m / raw) : '-').padStart(7),
        nxRun.padStart(7),
        tasks.padEnd(24),
        targets[s.name]?.() ?? '',
      ].join('  '),
    );
  }
  return lines;
}

function details(n: number, scenarios: Scenario[]): string[] {
  const lines: string[] = [];
  for (const s of scenarios) {
    const last = s.samples[s.samples.length - 1]!;
    if (last.core) {
      const c = (k: keyof NonNullable<Sample['core']>) => fmt(median(s.samples.map((x) => x.core![k])), 0);
      lines.push(
        `${n} runes, raw core in-process (median ms): load+validate ${c('loadMs')}, render ${c('renderMs')}, write ${c('writeMs')}`,
      );
    }
    if (last.byTarget && Object.keys(last.byTarget).length) {
      const parts = Object.entries(last.byTarget)
        .sort((a, b) => b[1].seconds - a[1].seconds)
        .map(([t, v]) => `${t} ${v.count}x ${fmt(v.seconds)}s`);
      const startup =
        last.nxRunSeconds === undefined
          ? ''
          : `; outside the task phase (start-up, plugin, graph): ${fmt(last.seconds - last.nxRunSeconds)}s`;
      lines.push(`${n} runes, ${s.name}, last run: summed executed-task time ${parts.join(', ')}${startup}`);
    }
  }
  return lines;
}

function main(): void {
  const o = parseOptions(process.argv.slice(2));
  const header = [
    '  size',
    'scenario'.padEnd(21),
    'median s',
    '    min-max s',
    'runs',
    ' xfloor',
    '   xraw',
    ' nx run',
    'tasks (last run)'.padEnd(24),
    'target',
  ].join('  ');
  const table: string[] = [];
  const notes: string[] = [];
  progress(`sizes ${o.sizes.join(', ')}; ${o.runs} runs; ${os.cpus().length} CPUs; env ${JSON.stringify(o.env)}`);
  for (const n of o.sizes) {
    const load = os.loadavg()[0]!;
    const scenarios = benchSize(n, o);
    table.push(...report(n, scenarios));
    notes.push(...details(n, scenarios), `${n} runes: 1-minute load average ${fmt(load)} before, ${fmt(os.loadavg()[0])} after`);
  }
  console.log(
    [
      '',
      header,
      ...table,
      '',
      'xfloor / xraw: median over the floor\'s median / the raw core (process) median. nx run: Nx\'s own "Run duration" (task phase).',
      ...notes,
    ].join('\n'),
  );
}

main();
