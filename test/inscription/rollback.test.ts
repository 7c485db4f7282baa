import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bind, listGenerations, rollback } from '../../tools/src/inscription';
import { defaultStoreDir } from '../../tools/src/inscription/site';
import { expectedView, generationFiles, siteFixture, siteView, snapshot } from './helpers';

const setup = siteFixture;

describe('rollback', () => {
  it('restores the previous generation byte for byte, and a second rollback undoes it', async () => {
    const { site, render } = setup();
    const a = await bind({ generationDir: render('A'), bindingSite: site, reload: false });
    const viewA = siteView(site);
    const b = await bind({ generationDir: render('B'), bindingSite: site, reload: false });
    expect(b.previous).toBe(a.generation);
    expect(siteView(site)).toEqual(expectedView(generationFiles('B')));

    const back = await rollback({ bindingSite: site, reload: false });
    expect(back).toMatchObject({ status: 'bound', generation: a.generation, previous: b.generation, reloaded: false });
    expect(siteView(site)).toEqual(viewA);
    expect(siteView(site)).toEqual(expectedView(generationFiles('A')));

    const forth = await rollback({ bindingSite: site, reload: false });
    expect(forth).toMatchObject({ generation: b.generation, previous: a.generation });
    expect(siteView(site)).toEqual(expectedView(generationFiles('B')));
  });

  it('is a clear error when there is no previous generation', async () => {
    const { site, render } = setup();
    await expect(rollback({ bindingSite: site, reload: false })).rejects.toThrow(
      /error\[LYCHD504\]: no previous generation to roll back to: nothing was ever bound to .*\n {2}why: the generation store .*does not exist/,
    );
    await bind({ generationDir: render('A'), bindingSite: site, reload: false });
    const before = snapshot(path.dirname(site));
    await expect(rollback({ bindingSite: site, reload: false })).rejects.toThrow(
      /error\[LYCHD504\]: no previous generation to roll back to: .* holds only the current one/,
    );
    // The lock epoch moved, nothing else: the site and the generations are as they were.
    const after = snapshot(path.dirname(site));
    const noLock = (s: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(s).filter(([k]) => !/\.lock-\d+/.test(k) && !/^\.lychd-store-systemd$/.test(k)));
    expect(noLock(after)).toEqual(noLock(before));
  });

  it('refuses to restore a previous generation that was edited in the store', async () => {
    const { site, render } = setup();
    const a = await bind({ generationDir: render('A'), bindingSite: site, reload: false });
    await bind({ generationDir: render('B'), bindingSite: site, reload: false });
    const prev = listGenerations({ bindingSite: site }).find((g) => g.previous);
    expect(prev?.id).toBe(a.generation);
    fs.appendFileSync(path.join(prev?.dir as string, 'lychd.pod'), '# edited\n');
    expect(listGenerations({ bindingSite: site }).find((g) => g.previous)?.intact).toBe(false);
    await expect(rollback({ bindingSite: site, reload: false })).rejects.toThrow(/was altered after it was installed/);
    expect(siteView(site)).toEqual(expectedView(generationFiles('B')));
  });

  it('uses the store that lives beside the site', async () => {
    const { site, render } = setup();
    await bind({ generationDir: render('A'), bindingSite: site, reload: false });
    await bind({ generationDir: render('B'), bindingSite: site, reload: false });
    const gens = listGenerations({ bindingSite: site });
    expect(gens.every((g) => path.dirname(g.dir) === defaultStoreDir(site))).toBe(true);
    expect(gens.map((g) => g.current)).toEqual([false, true]);
  });
});
