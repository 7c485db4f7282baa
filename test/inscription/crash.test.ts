import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bind, BIND_STEPS, listGenerations, ROLLBACK_STEPS } from '../../tools/src/inscription';
import { defaultStoreDir } from '../../tools/src/inscription/site';
import { leftovers } from '../../tools/src/inscription/store';
import { lockHolder, lockIsStale } from '../../tools/src/inscription/lock';
import {
  classify,
  cleanupTemps,
  FOREIGN,
  generationFiles,
  runChild,
  siteView,
  snapshot,
  tempDir,
  writeForeign,
  writeGeneration,
} from './helpers';

afterAll(cleanupTemps);

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
    // Calibrate: how long a bind takes in a child, from "ready" to exit.
    const durations: number[] = [];
    for (let i = 0; i < 3; i++) {
      const w = await world(true);
      const out = await runChild({ op: 'bind', bindingSite: w.site, generationDir: w.newDir });
      expect(out.code, out.stderr).toBe(0);
      durations.push(out.readyToExitMs as number);
    }
    const span = Math.max(...durations) * 1.2;
    // Runs until enough kills landed mid-way (a loaded machine makes binds slower, and kills later).
    const WANTED = 15;
    const MAX_RUNS = 60;
    let runs = 0;
    const tally: Record<string, number> = { old: 0, new: 0, MIXED: 0 };
    let killed = 0;
    const debris: Record<string, number> = {};
    for (; killed < WANTED && runs < MAX_RUNS; runs++) {
      const w = await world(true);
      const delay = Math.random() * span;
      const out = await runChild({ op: 'bind', bindingSite: w.site, generationDir: w.newDir, killAfterReadyMs: delay });
      if (out.signal === 'SIGKILL') killed++;
      else expect(out.code, out.stderr).toBe(0);
      const state = classify(siteView(w.site), { old: OLD, new: NEW });
      tally[state] = (tally[state] ?? 0) + 1;
      expect(state, `random kill after ${delay.toFixed(1)} ms`).not.toBe('MIXED');
      assertSiteEntries(w);
      for (const name of leftovers(w.store)) {
        const kind = name.replace(/-[0-9a-f]{16}.*$|-\d+.*$/, '');
        debris[kind] = (debris[kind] ?? 0) + 1;
      }
      if (lockIsStale(w.store)) debris['held lock'] = (debris['held lock'] ?? 0) + 1;
      await assertRecovers(w);
    }
    console.log(
      `[inscription random kills] ${runs} runs, delays 0-${span.toFixed(1)} ms after ready (bind takes ` +
        `${durations.map((d) => d.toFixed(1)).join('/')} ms in a child): ${killed} killed mid-way, ` +
        `${runs - killed} finished; site showed old ${tally.old}, new ${tally.new}, mixed ${tally.MIXED}; ` +
        `debris left in the store and cleaned by the next bind: ${JSON.stringify(debris)}; all recovered`,
    );
    expect(tally.MIXED).toBe(0);
    // Kills that all came after the bind had finished would prove nothing.
    expect(killed, 'runs killed mid-way').toBe(WANTED);
  }, 300_000);
});
