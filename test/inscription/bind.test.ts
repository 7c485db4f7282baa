import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bind,
  checkSite,
  generationId,
  listGenerations,
  readGeneration,
  resolveBindingSite,
  rollback,
  SystemctlRunner,
} from '../../tools/src/inscription';
import type { Diagnostic } from '../../tools/src/diagnostics';
import { defaultStoreDir } from '../../tools/src/inscription/site';
import { classify, expectedView, FOREIGN, generationFiles, siteView, snapshot, tempDir, writeGeneration, siteFixture } from './helpers';

const setup = siteFixture;
const refused = (message: string): Diagnostic => ({ severity: 'error', code: 'LYCHD502', message });

const foreignSnapshot = (site: string) =>
  Object.fromEntries(Object.entries(snapshot(site)).filter(([rel]) => rel !== '' && !rel.startsWith('lychd')));

describe('resolveBindingSite', () => {
  it('prefers the option, then LYCHD_BINDING_SITE, then XDG_CONFIG_HOME, then HOME', () => {
    const env = { LYCHD_BINDING_SITE: '/srv/site', XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/m' };
    expect(resolveBindingSite({ option: '/opt/s', env })).toBe('/opt/s');
    expect(resolveBindingSite({ env })).toBe('/srv/site');
    expect(resolveBindingSite({ env: { XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/m' } })).toBe('/x/cfg/containers/systemd');
    expect(resolveBindingSite({ env: { XDG_CONFIG_HOME: 'relative', HOME: '/home/m' } })).toBe('/home/m/.config/containers/systemd');
    expect(() => resolveBindingSite({ env: {} })).toThrow(/LYCHD_BINDING_SITE/);
  });

  it('keeps the store outside the site, beside it', () => {
    expect(defaultStoreDir('/home/m/.config/containers/systemd')).toBe('/home/m/.config/containers/.lychd-store-systemd');
  });
});

describe('bind', () => {
  it('installs a generation as the lychd symlink and reports its content id', async () => {
    const { site, store, render } = setup();
    const dir = render('A');
    const res = await bind({ generationDir: dir, bindingSite: site, reload: false });
    expect(res.status).toBe('bound');
    expect(res.generation).toBe(readGeneration(dir).id);
    expect(res.previous).toBeUndefined();
    expect(res.reloaded).toBe(false);
    expect(res.message).toContain('systemctl --user daemon-reload');
    expect(fs.lstatSync(path.join(site, 'lychd')).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(path.join(site, 'lychd'))).toBe(`../.lychd-store-systemd/gen-${res.generation}`);
    expect(siteView(site)).toEqual(expectedView(generationFiles('A')));
    expect(fs.existsSync(path.join(store, `gen-${res.generation}`))).toBe(true);
  });

  it('gives equal content the same id regardless of file order or location', () => {
    const a = new Map([
      ['x', Buffer.from('1')],
      ['y', Buffer.from('2')],
    ]);
    const b = new Map([
      ['y', Buffer.from('2')],
      ['x', Buffer.from('1')],
    ]);
    expect(generationId(a)).toBe(generationId(b));
    expect(generationId(a)).not.toBe(
      generationId(
        new Map([
          ['x', Buffer.from('12')],
          ['y', Buffer.from('')],
        ]),
      ),
    );
    expect(generationId(a)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('removes runes dropped from the Codex: nothing stale survives', async () => {
    const { site, render } = setup();
    await bind({ generationDir: render('A'), bindingSite: site, reload: false });
    expect(siteView(site)['lychd/soulstone-sglang.container']).toBeDefined();
    const res = await bind({ generationDir: render('B'), bindingSite: site, reload: false });
    expect(res.status).toBe('bound');
    expect(siteView(site)['lychd/soulstone-sglang.container']).toBeUndefined();
    expect(siteView(site)).toEqual(expectedView(generationFiles('B')));
  });

  it('reports unchanged and touches nothing (not even mtimes) for the installed generation', async () => {
    const { root, site, render } = setup();
    const dir = render('A');
    const first = await bind({ generationDir: dir, bindingSite: site, reload: false });
    const before = snapshot(root);
    const calls: string[][] = [];
    const runner: SystemctlRunner = async (args) => {
      calls.push(args);
      return { code: 0, stdout: '', stderr: '' };
    };
    const again = await bind({ generationDir: dir, bindingSite: site, reload: runner });
    expect(again).toMatchObject({ status: 'unchanged', generation: first.generation, reloaded: false });
    expect(snapshot(root)).toEqual(before);
    expect(calls).toEqual([]);
  });

  it('keeps foreign files, a foreign dir and the user’s own units through bind, rebind, rollback and prune', async () => {
    const { site, render } = setup();
    const before = foreignSnapshot(site);
    for (const v of ['A', 'B', 'C', 'D', 'E']) await bind({ generationDir: render(v), bindingSite: site, keep: 2, reload: false });
    await bind({ generationDir: render('E'), bindingSite: site, reload: false });
    await rollback({ bindingSite: site, reload: false });
    expect(listGenerations({ bindingSite: site })).toHaveLength(2);
    expect(foreignSnapshot(site)).toEqual(before);
    for (const [rel, text] of Object.entries(FOREIGN)) expect(fs.readFileSync(path.join(site, rel), 'utf8')).toBe(text);
    expect(fs.readdirSync(site).sort()).toEqual(['.hidden-user.volume', 'lychd', 'mine', 'my-app.container', 'notes.txt']);
  });

  it('prunes down to `keep` generations but never the current or the previous one', async () => {
    const { site, render } = setup();
    const ids: string[] = [];
    for (const v of ['A', 'B', 'C', 'D']) ids.push((await bind({ generationDir: render(v), bindingSite: site, reload: false })).generation);
    let gens = listGenerations({ bindingSite: site });
    expect(gens.map((g) => g.id)).toEqual(ids.slice(1)); // default keep = 3
    expect(gens.at(-1)).toMatchObject({ id: ids[3], current: true });
    expect(gens.at(-2)).toMatchObject({ id: ids[2], previous: true });
    await bind({ generationDir: render('E'), bindingSite: site, keep: 1, reload: false });
    gens = listGenerations({ bindingSite: site });
    expect(gens.map((g) => [g.id, g.current, g.previous])).toEqual([
      [ids[3], false, true],
      [expect.any(String), true, false],
    ]);
    await expect(bind({ generationDir: render('F'), bindingSite: site, keep: 0 })).rejects.toThrow(/keep must be/);
  });

  it('changes nothing when validation fails (thrown or reported problems)', async () => {
    const { root, site, render } = setup();
    await bind({ generationDir: render('A'), bindingSite: site, reload: false });
    const dirB = render('B');
    const before = snapshot(root);
    await expect(
      bind({
        generationDir: dirB,
        bindingSite: site,
        reload: false,
        validate: () => {
          throw new Error('bad rune');
        },
      }),
    ).rejects.toThrow(
      /error\[LYCHD502\]: the generation .*render-B could not be validated\n {2}why: nothing in .* was changed\n {2}caused by: bad rune/,
    );
    await expect(
      bind({
        generationDir: dirB,
        bindingSite: site,
        reload: false,
        validate: async () => [refused('Q05 Conflicts= asymmetric'), refused('Q14 short image')],
      }),
    ).rejects.toThrow(/found 2 problem\(s\)[\s\S]*Q05[\s\S]*Q14/);
    expect(snapshot(root)).toEqual(before);
    // A passing validator sees the generation and lets it through.
    let seen: string[] = [];
    await bind({ generationDir: dirB, bindingSite: site, reload: false, validate: (g) => void (seen = [...g.files.keys()]) });
    expect(seen).toContain('lychd.pod');
    expect(classify(siteView(site), { B: generationFiles('B') })).toBe('B');
  });

  it('on a fresh host a failed validation creates neither the site nor the store', async () => {
    const root = tempDir();
    const site = path.join(root, 'cfg', 'containers', 'systemd');
    const dir = writeGeneration(path.join(root, 'render'), generationFiles('A'));
    await expect(bind({ generationDir: dir, bindingSite: site, validate: () => [refused('nope')] })).rejects.toThrow(/nope/);
    expect(fs.existsSync(path.join(root, 'cfg'))).toBe(false);
  });

  it('runs daemon-reload only, and only when a user manager answers', async () => {
    const { site, render } = setup();
    const calls: string[][] = [];
    const up: SystemctlRunner = async (args) => {
      calls.push(args);
      return { code: 0, stdout: '', stderr: '' };
    };
    const res = await bind({ generationDir: render('A'), bindingSite: site, reload: up });
    expect(res.reloaded).toBe(true);
    expect(calls).toEqual([['show-environment'], ['daemon-reload']]);
    const down: SystemctlRunner = async (args) => {
      calls.push(args);
      return { code: 1, stdout: '', stderr: 'Failed to connect to bus' };
    };
    const res2 = await bind({ generationDir: render('B'), bindingSite: site, reload: down });
    expect(res2).toMatchObject({ status: 'bound', reloaded: false });
    expect(res2.message).toMatch(/no systemd user manager is reachable.*systemctl --user daemon-reload/);
    expect(calls.flat().some((a) => /^(start|stop|restart|enable|disable)$/.test(a))).toBe(false);
  });

  it('refuses to replace a real lychd directory, naming it and the fix', async () => {
    const { site, render } = setup();
    fs.mkdirSync(path.join(site, 'lychd'));
    fs.writeFileSync(path.join(site, 'lychd', 'hand.container'), '[Container]\n');
    await expect(bind({ generationDir: render('A'), bindingSite: site, reload: false })).rejects.toThrow(
      new RegExp(`${path.join(site, 'lychd')} exists and is not a symlink[\\s\\S]*mv `),
    );
    expect(fs.readFileSync(path.join(site, 'lychd', 'hand.container'), 'utf8')).toBe('[Container]\n');
  });

  it('names the path when the generation directory is missing or empty', async () => {
    const { root, site } = setup();
    await expect(bind({ generationDir: path.join(root, 'nope'), bindingSite: site })).rejects.toThrow(
      /nope: error\[LYCHD501\]: the generation folder does not exist\n {2}hint: render the Quadlets first/,
    );
    fs.mkdirSync(path.join(root, 'empty'));
    await expect(bind({ generationDir: path.join(root, 'empty'), bindingSite: site })).rejects.toThrow(
      /empty: error\[LYCHD501\]: the generation folder is empty; refusing to install it/,
    );
  });

  it('repairs a hand-edited installed generation instead of calling it unchanged', async () => {
    const { site, render } = setup();
    const dir = render('A');
    const first = await bind({ generationDir: dir, bindingSite: site, reload: false });
    fs.appendFileSync(path.join(site, 'lychd', 'lychd.pod'), 'PublishPort=0.0.0.0:22:22\n');
    expect(checkSite({ generationDir: dir, bindingSite: site }).inSync).toBe(false);
    const res = await bind({ generationDir: dir, bindingSite: site, reload: false });
    expect(res).toMatchObject({ status: 'bound', generation: first.generation });
    expect(checkSite({ generationDir: dir, bindingSite: site }).inSync).toBe(true);
    expect(siteView(site)).toEqual(expectedView(generationFiles('A')));
    const gens = listGenerations({ bindingSite: site });
    expect(gens.find((g) => g.current)?.intact).toBe(true);
  });
});
