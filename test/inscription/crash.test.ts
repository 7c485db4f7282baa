import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bind, BIND_STEPS, listGenerations, ROLLBACK_STEPS } from '../../tools/src/inscription';
import { defaultStoreDir } from '../../tools/src/inscription/site';
import { leftovers } from '../../tools/src/inscription/store';
import { lockHolder, lockIsStale } from '../../tools/src/inscription/lock';
import { classify, FOREIGN, generationFiles, runChild, siteView, snapshot, tempDir, writeForeign, writeGeneration } from './helpers';

const OLD = generationFiles('A', 200);
const NEW = generationFiles('B', 400);
const SWITCH = BIND_STEPS.indexOf('switch-link') + 1;

interface World {
  site: string;
  store: string;
  oldDir: string;
  newDir: string;
}

async function world(withOld: boolean): Promise<World> {
  const root = tempDir();
  const site = path.join(root, 'config', 'containers', 'systemd');
  fs.mkdirSync(site, { recursive: true });
  writeForeign(site);
  const oldDir = writeGeneration(path.join(root, 'render-old'), OLD);
  const newDir = writeGeneration(path.join(root, 'render-new'), NEW);
  if (withOld) await bind({ generationDir: oldDir, bindingSite: site, reload: false });
  return { site, store: defaultStoreDir(site), oldDir, newDir };
}

/** The Forge may only ever have `lychd` in the site; everything else is the user's, untouched. */
function assertSiteEntries(w: World): void {
  const top = fs.readdirSync(w.site).sort();
  const foreignTop = [...new Set(Object.keys(FOREIGN).map((p) => p.split('/')[0] as string))];
  expect(top.filter((n) => !foreignTop.includes(n))).toEqual(top.includes('lychd') ? ['lychd'] : []);
  for (const [rel, text] of Object.entries(FOREIGN)) expect(fs.readFileSync(path.join(w.site, rel), 'utf8')).toBe(text);
}

/** A fresh bind after a crash cleans up, is not blocked by the lock, and installs NEW. */
async function assertRecovers(w: World): Promise<void> {
  const res = await bind({ generationDir: w.newDir, bindingSite: w.site, reload: false, lockTimeoutMs: 5_000 });
  expect(res.status === 'bound' || res.status === 'unchanged').toBe(true);
  expect(classify(siteView(w.site), { new: NEW })).toBe('new');
  expect(leftovers(w.store)).toEqual([]);
  expect(lockHolder(w.store)).toBeUndefined();
  expect(lockIsStale(w.store)).toBe(false);
  expect(listGenerations({ bindingSite: w.site }).every((g) => g.intact)).toBe(true);
  assertSiteEntries(w);
  // And the recovered state is stable: binding again touches nothing.
  const before = snapshot(path.dirname(w.site));
  expect((await bind({ generationDir: w.newDir, bindingSite: w.site, reload: false })).status).toBe('unchanged');
  expect(snapshot(path.dirname(w.site))).toEqual(before);
}

describe('bind survives SIGKILL at every step', () => {
  const figures: string[] = [];
  afterAll(() => console.log(`[inscription kill points]\n${figures.join('\n')}`));

  for (const withOld of [true, false]) {
    it(`kills before each of the ${BIND_STEPS.length} bind steps (${withOld ? 'replacing a generation' : 'first install'})`, async () => {
      const seen: string[] = [];
      for (let k = 1; k <= BIND_STEPS.length; k++) {
        const w = await world(withOld);
        const out = await runChild({
          op: 'bind',
          bindingSite: w.site,
          generationDir: w.newDir,
          env: { LYCHD_BIND_KILL_AT: String(k) },
        });
        expect(out.signal, `step ${k} ${BIND_STEPS[k - 1]}: ${out.stderr}`).toBe('SIGKILL');
        const before = withOld ? 'old' : 'none';
        const state = classify(siteView(w.site), { [before]: withOld ? OLD : undefined, new: NEW });
        // Before the rename the site must still show the old generation (or none); from it on, the new one.
        expect(state, `after kill before step ${k} (${BIND_STEPS[k - 1]})`).toBe(k <= SWITCH ? before : 'new');
        assertSiteEntries(w);
        await assertRecovers(w);
        seen.push(`${k}:${BIND_STEPS[k - 1]}→${state}`);
      }
      figures.push(
        `${withOld ? 'replace' : 'first install'}: ${BIND_STEPS.length} kill points, ${seen.length} child runs killed, all recovered\n  ${seen.join(' ')}`,
      );
    });
  }

  it(`kills before each of the ${ROLLBACK_STEPS.length} rollback steps`, async () => {
    const seen: string[] = [];
    const rollbackSwitch = ROLLBACK_STEPS.indexOf('switch-link') + 1;
    for (let k = 1; k <= ROLLBACK_STEPS.length; k++) {
      const w = await world(true);
      await bind({ generationDir: w.newDir, bindingSite: w.site, reload: false });
      const out = await runChild({ op: 'rollback', bindingSite: w.site, env: { LYCHD_BIND_KILL_AT: String(k) } });
      expect(out.signal, out.stderr).toBe('SIGKILL');
      const state = classify(siteView(w.site), { old: OLD, new: NEW });
      // Rolling back goes from NEW to OLD.
      expect(state, `rollback killed before step ${k} (${ROLLBACK_STEPS[k - 1]})`).toBe(k <= rollbackSwitch ? 'new' : 'old');
      assertSiteEntries(w);
      await assertRecovers(w);
      seen.push(`${k}:${ROLLBACK_STEPS[k - 1]}→${state}`);
    }
    figures.push(`rollback: ${ROLLBACK_STEPS.length} kill points, all recovered\n  ${seen.join(' ')}`);
  });

  it('survives SIGKILLs sent from outside at random moments', async () => {
    const LAST = BIND_STEPS.length;
    // Each child traces its steps (steps.ts), so a kill is known to have landed between two of them.
    const traced = (w: World) => ({ LYCHD_BIND_TRACE: path.join(path.dirname(w.store), 'trace') });
    /** The trace's `end` times, in ms since the child's "ready": one per step the run finished. */
    const ends = (w: World, readyAt = 0) => {
      const file = traced(w).LYCHD_BIND_TRACE;
      const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
      return lines.map((l) => l.split(' ')).flatMap(([, phase, , , ms]) => (phase === 'end' ? [Number(ms) - readyAt] : []));
    };
    // Calibrate: when, after "ready", a traced bind in a child finishes its first and its last step.
    const firsts: number[] = [];
    const lasts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const w = await world(true);
      const out = await runChild({ op: 'bind', bindingSite: w.site, generationDir: w.newDir, env: traced(w) });
      expect(out.code, out.stderr).toBe(0);
      const times = ends(w, out.readyAtEpochMs);
      expect(times).toHaveLength(LAST);
      firsts.push(times[0]!);
      lasts.push(times[LAST - 1]!);
    }
    // Medians: one slow calibration run would send most kills after the bind had finished.
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[1]!;
    const from = median(firsts);
    const span = median(lasts) - from;
    // The delays sweep the steps in SLOTS strata, each at a random point of its own: every part of
    // a bind gets its kills, however the random draws fall. Runs until enough kills landed mid-way
    // (a loaded machine makes binds slower, and kills earlier in them).
    const SLOTS = 10;
    const WANTED = 15;
    // At least this many must land mid-way: on a loaded machine the binds' timing drifts from the
    // calibration, and fewer of the 60 runs land in the middle (14 of 60 seen under a full CI run).
    const ENOUGH = 5;
    const MAX_RUNS = 60;
    let runs = 0;
    const tally: Record<string, number> = { old: 0, new: 0, MIXED: 0 };
    let killed = 0;
    const midway: number[] = [];
    const debris: Record<string, number> = {};
    for (; midway.length < WANTED && runs < MAX_RUNS; runs++) {
      const w = await world(true);
      const delay = from + (span * ((runs % SLOTS) + Math.random())) / SLOTS;
      const out = await runChild({ op: 'bind', bindingSite: w.site, generationDir: w.newDir, env: traced(w), killAfterReadyMs: delay });
      if (out.signal === 'SIGKILL') killed++;
      else expect(out.code, out.stderr).toBe(0);
      // Mid-way: after the first step finished and before the last one did.
      const done = ends(w).length;
      if (out.signal === 'SIGKILL' && done >= 1 && done < LAST) midway.push(done);
      const state = classify(siteView(w.site), { old: OLD, new: NEW });
      tally[state] = (tally[state] ?? 0) + 1;
      expect(state, `random kill after ${delay.toFixed(1)} ms, ${done} steps done`).not.toBe('MIXED');
      assertSiteEntries(w);
      for (const name of leftovers(w.store)) {
        const kind = name.replace(/-[0-9a-f]{16}.*$|-\d+.*$/, '');
        debris[kind] = (debris[kind] ?? 0) + 1;
      }
      if (lockIsStale(w.store)) debris['held lock'] = (debris['held lock'] ?? 0) + 1;
      await assertRecovers(w);
    }
    const steps = midway.reduce<Record<string, number>>((n, done) => ({ ...n, [BIND_STEPS[done]!]: (n[BIND_STEPS[done]!] ?? 0) + 1 }), {});
    console.log(
      `[inscription random kills] ${runs} runs, delays ${from}-${from + span} ms after ready (the first step ends at ` +
        `${firsts.join('/')} ms, the last at ${lasts.join('/')} ms): ${killed} killed, ${midway.length} of them mid-way, ` +
        `in ${JSON.stringify(steps)}; ${runs - killed} finished; site showed old ${tally.old}, new ${tally.new}, mixed ${tally.MIXED}; ` +
        `debris left in the store and cleaned by the next bind: ${JSON.stringify(debris)}; all recovered`,
    );
    expect(tally.MIXED).toBe(0);
    // Kills that all came before the first step or after the last would prove nothing.
    expect(midway.length, 'runs killed between the first and the last step').toBeGreaterThanOrEqual(ENOUGH);
  }, 300_000);
});
