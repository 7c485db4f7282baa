import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bind, checkSite } from '../../tools/src/inscription';
import { unifiedDiff } from '../../tools/src/shared/diff';
import { siteFixture } from './helpers';

const setup = siteFixture;

describe('check', () => {
  it('reports nothing installed, then in sync after bind', async () => {
    const { site, render } = setup();
    const dir = render('A');
    const before = checkSite({ generationDir: dir, bindingSite: site });
    expect(before.inSync).toBe(false);
    expect(before.diff).toContain('does not exist: nothing is installed');
    expect(before.diff).toContain('--- /dev/null\n+++ rendered/lychd.pod\n@@ -0,0 +1,7 @@\n+[Pod]');
    await bind({ generationDir: dir, bindingSite: site, reload: false });
    expect(checkSite({ generationDir: dir, bindingSite: site })).toMatchObject({ inSync: true, diff: '' });
  });

  it('shows added, removed and changed files against a new rendering', async () => {
    const { site, render } = setup();
    await bind({ generationDir: render('A'), bindingSite: site, reload: false });
    const res = checkSite({ generationDir: render('B'), bindingSite: site });
    expect(res.inSync).toBe(false);
    expect(res.diff).toContain('--- installed/soulstone-sglang.container\n+++ /dev/null\n');
    expect(res.diff).toContain('--- /dev/null\n+++ rendered/soulstone-embed.container\n');
    expect(res.diff).toContain('--- installed/lychd-app.container\n+++ rendered/lychd-app.container\n');
    expect(res.diff).toContain('-Environment=LYCHD_VARIANT=A\n+Environment=LYCHD_VARIANT=B\n');
    expect(res.diff).not.toContain('installed/lychd.pod');
  });

  it('finds hand edits made through the link (inside the store), and a shadowing unit in the site', async () => {
    const { site, render } = setup();
    const dir = render('A');
    await bind({ generationDir: dir, bindingSite: site, reload: false });
    const pod = path.join(site, 'lychd', 'lychd.pod');
    fs.writeFileSync(pod, fs.readFileSync(pod, 'utf8').replace('UserNS=keep-id', 'UserNS=auto'));
    fs.writeFileSync(path.join(site, 'lychd-data.volume'), '[Volume]\n');
    const res = checkSite({ generationDir: dir, bindingSite: site });
    expect(res.inSync).toBe(false);
    expect(res.diff).toContain(`# ${path.join(site, 'lychd-data.volume')} has the name of a LychD unit and shadows it`);
    expect(res.diff).toContain(
      '--- installed/lychd.pod\n+++ rendered/lychd.pod\n@@ -1,6 +1,6 @@\n [Pod]\n PodName=lychd\n-UserNS=auto\n+UserNS=keep-id\n',
    );
  });

  it('reports a dangling or replaced lychd entry', async () => {
    const { site, render } = setup();
    const dir = render('A');
    fs.symlinkSync('../nowhere', path.join(site, 'lychd'));
    expect(checkSite({ generationDir: dir, bindingSite: site }).diff).toMatch(/points to \.\.\/nowhere, outside the store[\s\S]*dangling/);
  });
});

describe('unifiedDiff', () => {
  it('builds hunks with three lines of context', () => {
    const a = Buffer.from(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n') + '\n');
    const b = Buffer.from(['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11', 'twelve'].join('\n') + '\n');
    expect(unifiedDiff({ label: 'installed/f', text: a }, { label: 'rendered/f', text: b })).toBe(
      [
        '--- installed/f',
        '+++ rendered/f',
        '@@ -2,11 +2,11 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
        ' 9',
        ' 10',
        ' 11',
        '-12',
        '+twelve',
        '',
      ].join('\n'),
    );
    const far = Buffer.from(Array.from({ length: 20 }, (_, i) => String(i)).join('\n') + '\n');
    const far2 = Buffer.from(far.toString().replace('\n2\n', '\nTWO\n').replace('\n17\n', '\nSEVENTEEN\n'));
    expect(unifiedDiff({ label: 'installed/f', text: far }, { label: 'rendered/f', text: far2 }).match(/^@@/gm)).toHaveLength(2);
  });
});
