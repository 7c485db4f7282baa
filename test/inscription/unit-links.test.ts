import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bind, rollback, type SystemctlRunner } from '../../tools/src/inscription';
import { resolveUnitDir } from '../../tools/src/inscription/unit-links';
import { generationFiles, tempDir, writeGeneration } from './helpers';

const target = (coven: string) => `[Unit]\nDescription=LychD Coven ${coven}\nRequires=soulstone-vllm.service\n`;

/** A site at `<root>/config/containers/systemd` and the user's unit folder beside it. */
function setup() {
  const root = tempDir();
  const site = path.join(root, 'config', 'containers', 'systemd');
  const unitDir = path.join(root, 'config', 'systemd', 'user');
  let n = 0;
  const render = (covens: string[]) =>
    writeGeneration(
      path.join(root, `render-${n++}`),
      Object.fromEntries([
        ...Object.entries(generationFiles('A')),
        ...covens.map((c) => [`coven-${c}.target`, target(`${c} ${covens.join(',')}`)] as const),
      ]),
    );
  const reloads: string[][] = [];
  const reload: SystemctlRunner = async (args) => {
    reloads.push(args);
    return { code: 0, stdout: '', stderr: '' };
  };
  return { root, site, unitDir, render, reload, reloads };
}

/** The unit folder as name → link target (or "file"). */
const listing = (dir: string) =>
  Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((n) => {
        const p = path.join(dir, n);
        return [n, fs.lstatSync(p).isSymbolicLink() ? fs.readlinkSync(p) : 'file'];
      }),
  );

describe('resolveUnitDir', () => {
  it('prefers the option, then LYCHD_UNIT_DIR, then <config>/systemd/user beside a <config>/containers/systemd site', () => {
    const env = { LYCHD_UNIT_DIR: '/srv/units' };
    expect(resolveUnitDir({ option: '/opt/u', env, bindingSite: '/x' })).toBe('/opt/u');
    expect(resolveUnitDir({ env, bindingSite: '/x' })).toBe('/srv/units');
    expect(resolveUnitDir({ env: {}, bindingSite: '/home/m/.config/containers/systemd' })).toBe('/home/m/.config/systemd/user');
    expect(resolveUnitDir({ env: {}, bindingSite: '/srv/site' })).toBeUndefined();
  });
});

describe('bind links the coven targets into the unit folder', () => {
  it('links each target through the site link, follows the covens from bind to bind, and rolls back with the generation', async () => {
    const { site, unitDir, render, reload, reloads } = setup();
    const first = await bind({ generationDir: render(['a', 'b']), bindingSite: site, unitDir, reload });
    const link = (c: string) => path.join(site, 'lychd', `coven-${c}.target`);
    expect(listing(unitDir)).toEqual({ 'coven-a.target': link('a'), 'coven-b.target': link('b') });
    expect(fs.readFileSync(path.join(unitDir, 'coven-a.target'), 'utf8')).toBe(target('a a,b'));
    expect(first.message).toContain(`linked coven-a.target, coven-b.target into ${unitDir}`);
    expect(reloads).toEqual([['show-environment'], ['daemon-reload']]);

    // A file and a link of the user's own, and a target name the user holds, are never touched.
    fs.writeFileSync(path.join(unitDir, 'mine.service'), '[Service]\nExecStart=/bin/true\n');
    fs.symlinkSync('/etc/hosts', path.join(unitDir, 'other.target'));
    fs.writeFileSync(path.join(unitDir, 'coven-c.target'), '[Unit]\nDescription=mine\n');

    const second = await bind({ generationDir: render(['b', 'c']), bindingSite: site, unitDir, reload });
    expect(listing(unitDir)).toEqual({
      'coven-b.target': link('b'),
      'coven-c.target': 'file',
      'mine.service': 'file',
      'other.target': '/etc/hosts',
    });
    // The switch of `lychd` changed the linked target's text with the generation.
    expect(fs.readFileSync(path.join(unitDir, 'coven-b.target'), 'utf8')).toBe(target('b b,c'));
    expect(second.message).toContain(`removed the links coven-a.target from ${unitDir}`);
    expect(second.message).toMatch(/warning: .*coven-c\.target is not the Forge's link/);

    const back = await rollback({ bindingSite: site, unitDir, reload });
    expect(back.message).toContain(`linked coven-a.target into ${unitDir}`);
    expect(listing(unitDir)).toMatchObject({ 'coven-a.target': link('a'), 'coven-b.target': link('b'), 'coven-c.target': 'file' });
    expect(fs.readFileSync(path.join(unitDir, 'coven-b.target'), 'utf8')).toBe(target('b a,b'));
  });

  it('changes nothing when the links are in place, and puts back a link removed by hand', async () => {
    const { site, unitDir, render, reload, reloads } = setup();
    const dir = render(['a']);
    await bind({ generationDir: dir, bindingSite: site, unitDir, reload });
    const mtime = fs.lstatSync(path.join(unitDir, 'coven-a.target')).mtimeMs;
    reloads.length = 0;
    const again = await bind({ generationDir: dir, bindingSite: site, unitDir, reload });
    expect(again.status).toBe('unchanged');
    expect(reloads).toEqual([]);
    expect(fs.lstatSync(path.join(unitDir, 'coven-a.target')).mtimeMs).toBe(mtime);

    fs.rmSync(path.join(unitDir, 'coven-a.target'));
    const repaired = await bind({ generationDir: dir, bindingSite: site, unitDir, reload });
    expect(repaired.message).toContain('linked coven-a.target');
    expect(reloads).toEqual([['show-environment'], ['daemon-reload']]);
    expect(fs.readlinkSync(path.join(unitDir, 'coven-a.target'))).toBe(path.join(site, 'lychd', 'coven-a.target'));
  });

  it('links nothing without a unit folder', async () => {
    const { site, unitDir, render } = setup();
    await bind({ generationDir: render(['a']), bindingSite: site, reload: false });
    expect(fs.existsSync(unitDir)).toBe(false);
  });
});
