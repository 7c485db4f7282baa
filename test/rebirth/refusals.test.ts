import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256 } from '../../tools/src/shared/digest';
import { a, b, codexNaming, custom, gate, genA, generation, site, state, SYNTHESIS, tmp } from './gate-host';

/**
 * What the Rebirth Gate reviews, confirms and refuses by the Prime Scroll's image name, and what it
 * does with a damaged journal: the real command line on gate-host.ts's host.
 */

describe('one image name: the Gate names the image forge.image, and a vessel.image that differs is refused', () => {
  it("reviews and confirms under the Prime Scroll's name", async () => {
    const v2 = codexNaming('codex-v2', 'localhost/lychd:v2', 'localhost/lychd:v2');
    const r = await gate(['--codex', v2, '--image', b.dir, '--synthesis', SYNTHESIS]);
    expect(r.stdout).toContain(`  body:      localhost/lychd:v2 (none) -> candidate ${b.id.slice(0, 12)}`);
    const done = await gate(['--codex', v2, '--confirm', b.id.slice(0, 12)]);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain(`localhost/lychd:v2 is now ${b.id.slice(0, 12)}`);
    expect(state().tags['localhost/lychd:v2']).toBe(b.id);
    expect(custom()).toBe(a.id);
  });

  it('refuses a vessel.image that is not forge.image, at its file:line:col, staging and confirming nothing', async () => {
    const split = codexNaming('codex-split', 'localhost/lychd:v2', 'localhost/lychd:custom');
    const before = fs.readFileSync(path.join(tmp, 'state', 'state.json'), 'utf8');
    for (const args of [
      ['--image', b.dir, '--synthesis', SYNTHESIS],
      ['--confirm', b.id.slice(0, 12)],
    ]) {
      const r = await gate(['--codex', split, ...args]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `${path.join(split, 'lychd.toml')}:15:9: error[LYCHD112]: vessel.image "localhost/lychd:custom" is not forge.image "localhost/lychd:v2", the name the Rebirth Gate gives the image it reviewed [vessel.image]`,
      );
    }
    expect(fs.readFileSync(path.join(tmp, 'state', 'state.json'), 'utf8')).toBe(before);
    expect(generation()).toBe(genA);
  });

  it('--confirm and --rollback read only the Prime Scroll: a broken rune refuses staging, not them', async () => {
    const broken = codexNaming('codex-broken', 'localhost/lychd:custom', 'localhost/lychd:custom');
    const rune = path.join(broken, 'runes', 'animator', 'soulstones', 'llamacpp', 'titan.toml');
    fs.writeFileSync(rune, `${fs.readFileSync(rune, 'utf8')}\nport = "not a port"\n`);
    const staging = await gate(['--codex', broken, '--image', b.dir, '--synthesis', SYNTHESIS]);
    expect(staging.status).toBe(1);
    expect(staging.stderr).toContain(rune);
    const done = await gate(['--codex', broken, '--confirm', b.id.slice(0, 12)]);
    expect(done.status, done.stderr).toBe(0);
    expect(custom()).toBe(b.id);
    const back = await gate(['--codex', broken, '--rollback']);
    expect(back.status, back.stderr).toBe(0);
    expect(custom()).toBe(a.id);
    expect(generation()).toBe(genA);
  });
});

describe('a damaged journal stops the Gate, saying what the host holds and how to recover', () => {
  const journal = () => path.join(path.dirname(site()), `.lychd-rebirth-${path.basename(site())}`, 'journal.json');
  /** A confirmation killed half way leaves a true journal; the cases below damage it. */
  async function interrupted(): Promise<string> {
    expect((await gate(['--confirm', b.id.slice(0, 12)], { STANDIN_KILL_AT: `tag ${b.id} localhost/lychd:custom` })).status).toBeNull();
    return fs.readFileSync(journal(), 'utf8');
  }
  const damage: Record<string, (good: string) => string> = {
    'cut short': (good) => good.slice(0, good.length / 2),
    'an empty object': () => '{}\n',
    'one naming a path outside the store, with its checksum recomputed': (good) => {
      const { sha256: _, ...body } = JSON.parse(good);
      const evil = { ...body, to: '../../../../etc', toImage: 'sha256:x' };
      return JSON.stringify({ ...evil, sha256: sha256(canonicalJson(evil)) });
    },
    'one edited by hand (the checksum no longer matches)': (good) => good.replace(/"restart": \[/, '"restart": [\n    "evil.service",'),
  };
  for (const [kind, spoil] of Object.entries(damage))
    it(`${kind}: review, --rollback and --confirm refuse and change nothing; moved aside, the way the message names works`, async () => {
      fs.writeFileSync(journal(), spoil(await interrupted()));
      const calls = path.join(tmp, 'state', 'calls.log');
      const before = { tags: state().tags, generation: generation(), calls: fs.readFileSync(calls, 'utf8').length };
      const review = ['--image', b.dir, '--synthesis', SYNTHESIS, '--codex', path.join(tmp, 'codex-b')];
      for (const args of [review, ['--rollback'], ['--confirm', b.id.slice(0, 12)]]) {
        const r = await gate(args);
        expect(r.status, `rebirth ${args.join(' ')}: ${r.stdout}`).toBe(1);
        expect(r.stderr).toContain(`The Rebirth Gate's journal ${journal()} is damaged`);
        expect(r.stderr).toMatch(/image: +localhost\/lychd:custom [0-9a-f]{12}/);
        expect(r.stderr).toContain(`generation:   ${path.basename(generation()).replace(/^gen-/, '')}`);
        expect(r.stderr).toContain(`mv ${journal()} ${journal()}.damaged`);
        expect(r.stderr).not.toMatch(/Cannot read properties|\n\s+at /);
      }
      expect(state().tags).toEqual(before.tags);
      expect(generation()).toBe(before.generation);
      expect(fs.readFileSync(calls, 'utf8').slice(before.calls)).not.toMatch(/^podman (tag|untag)|restart|daemon-reload/m);

      // Killed before the pointers moved: the staged candidate is the way forward the message names.
      const id = b.id.slice(0, 12);
      expect((await gate(['--rollback'])).stderr).toContain(`\`lychd-forge rebirth --confirm ${id}\` switches to the staged candidate`);
      fs.renameSync(journal(), `${journal()}.damaged`);
      const done = await gate(['--confirm', id]);
      expect(done.status, done.stderr).toBe(0);
      expect(custom()).toBe(b.id);
      expect(generation()).not.toBe(genA);
    }, 120_000);
});
