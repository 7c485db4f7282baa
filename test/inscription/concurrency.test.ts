import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bind, listGenerations } from '../../tools/src/inscription';
import { acquireLock, lockHolder, releaseLock } from '../../tools/src/inscription/lock';
import { defaultStoreDir } from '../../tools/src/inscription/site';
import { leftovers, readHistory } from '../../tools/src/inscription/store';
import { classify, generationFiles, runChild, siteView, tempDir, writeForeign, writeGeneration } from './helpers';

interface Span {
  pid: number;
  /** began asking for the lock */
  asked: number;
  from: number;
  to: number;
}

/** Lock hold intervals per process, from the step trace: end of acquire-lock → begin of release-lock. */
function holdSpans(traceFile: string): Span[] {
  const spans = new Map<number, Partial<Span>>();
  for (const line of fs.readFileSync(traceFile, 'utf8').trim().split('\n')) {
    const [pid, phase, , name, t] = line.split(' ');
    const s = spans.get(Number(pid)) ?? { pid: Number(pid) };
    if (phase === 'begin' && name === 'acquire-lock') s.asked = Number(t);
    if (phase === 'end' && name === 'acquire-lock') s.from = Number(t);
    if (phase === 'begin' && name === 'release-lock') s.to = Number(t);
    spans.set(Number(pid), s);
  }
  return [...spans.values()].map((s) => s as Span).sort((a, b) => a.from - b.from);
}

describe('two binds at once', () => {
  it('serialize on the lock; both finish; one complete generation remains', async () => {
    const root = tempDir();
    const site = path.join(root, 'containers', 'systemd');
    fs.mkdirSync(site, { recursive: true });
    writeForeign(site);
    const files = { B: generationFiles('B', 300), C: generationFiles('C', 300) };
    const dirs = { B: writeGeneration(path.join(root, 'render-B'), files.B), C: writeGeneration(path.join(root, 'render-C'), files.C) };
    const trace = path.join(root, 'trace');
    // Each holds the lock for a second while writing, so the two runs overlap in time.
    const env = { LYCHD_BIND_TRACE: trace, LYCHD_BIND_PAUSE_AT: 'write-files:1000' };
    const started = Date.now();
    const [b, c] = await Promise.all([
      runChild({ op: 'bind', bindingSite: site, generationDir: dirs.B, env }),
      runChild({ op: 'bind', bindingSite: site, generationDir: dirs.C, env }),
    ]);
    const elapsed = Date.now() - started;
    expect(b.code, b.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(0);
    const spans = holdSpans(trace);
    expect(spans).toHaveLength(2);
    const [first, second] = spans as [Span, Span];
    expect(first.to).toBeLessThanOrEqual(second.from);
    expect(second.asked, 'the second bind asked for the lock while the first held it').toBeLessThan(first.to);
    const state = classify(siteView(site), { B: files.B, C: files.C });
    expect(['B', 'C']).toContain(state);
    // The later lock holder's generation is installed; the earlier one is its previous.
    const results = [b, c].map((o) => JSON.parse(o.stdout.split('\n')[1] as string) as { generation: string; previous?: string });
    const gens = listGenerations({ bindingSite: site });
    expect(gens).toHaveLength(2);
    const current = gens.find((g) => g.current)?.id;
    const later = results.find((r) => r.generation === current);
    const earlier = results.find((r) => r.generation !== current);
    expect(later?.previous).toBe(earlier?.generation);
    expect(readHistory(defaultStoreDir(site))).toHaveLength(2);
    expect(leftovers(defaultStoreDir(site))).toEqual([]);
    expect(lockHolder(defaultStoreDir(site))).toBeUndefined();
    console.log(
      `[inscription concurrency] 2 child binds, ${elapsed} ms wall; lock held ${first.to - first.from} ms then ` +
        `${second.to - second.from} ms; the second waited ${second.from - second.asked} ms; final site = generation ${state}`,
    );
  });

  it('keeps holds disjoint for four binds racing without pauses', async () => {
    const root = tempDir();
    const site = path.join(root, 'containers', 'systemd');
    fs.mkdirSync(site, { recursive: true });
    writeForeign(site);
    const trace = path.join(root, 'trace');
    const variants = ['P', 'Q', 'R', 'S'];
    const files = Object.fromEntries(variants.map((v) => [v, generationFiles(v, 200)]));
    const outs = await Promise.all(
      variants.map((v) =>
        runChild({
          op: 'bind',
          bindingSite: site,
          generationDir: writeGeneration(path.join(root, `render-${v}`), files[v] as Record<string, string>),
          env: { LYCHD_BIND_TRACE: trace },
        }),
      ),
    );
    for (const o of outs) expect(o.code, o.stderr).toBe(0);
    const spans = holdSpans(trace);
    expect(spans).toHaveLength(4);
    for (let i = 1; i < spans.length; i++) expect((spans[i - 1] as Span).to).toBeLessThanOrEqual((spans[i] as Span).from);
    expect(Object.keys(files)).toContain(classify(siteView(site), files));
    expect(listGenerations({ bindingSite: site })).toHaveLength(3);
    expect(leftovers(defaultStoreDir(site))).toEqual([]);
  });

  it('takes over a lock left by a killed process, and waits for a live holder', async () => {
    const root = tempDir();
    const site = path.join(root, 'containers', 'systemd');
    const store = defaultStoreDir(site);
    fs.mkdirSync(store, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(path.join(store, '.lock-7'), `${dead}\n`);
    const dir = writeGeneration(path.join(root, 'render'), generationFiles('A'));
    const res = await bind({ generationDir: dir, bindingSite: site, reload: false, lockTimeoutMs: 2_000 });
    expect(res.status).toBe('bound');
    expect(fs.readdirSync(store).filter((n) => n.startsWith('.lock'))).toEqual(['.lock-8.free']);

    const held = await acquireLock(store, 1_000);
    await expect(
      bind({
        generationDir: writeGeneration(path.join(root, 'render-B'), generationFiles('B')),
        bindingSite: site,
        reload: false,
        lockTimeoutMs: 300,
      }),
    ).rejects.toThrow(/\.lock-9: error\[LYCHD506\]: timed out after 300 ms waiting for the bind lock, held by pid \d+/);
    releaseLock(held);
    expect(listGenerations({ bindingSite: site })).toHaveLength(1);
  });
});
