import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExampleCodex, WORKSPACE } from '../support/codex-fixture';
import { forge } from '../support/run';
import { tempDir } from '../support/temp';

const temp = (base = os.tmpdir()) => tempDir('lychd-site-', base);
const codexDir = copyExampleCodex();
const bind = (site: string, env: NodeJS.ProcessEnv = {}) =>
  forge(['bind', '--codex', codexDir, '--extensions', path.join(WORKSPACE, 'extensions'), '--binding-site', site], {
    env: { LYCHD_PODMAN: '', ...env },
  });
const noTrace = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /);

describe('Binding Site checks before anything is written', () => {
  it('refuses the filesystem root', () => {
    const r = bind('/');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/The Binding Site \/ is the filesystem root/);
    noTrace(r.stderr);
    expect(fs.existsSync('/.lychd-store-')).toBe(false);
    expect(fs.existsSync('/lychd')).toBe(false);
  });

  it('refuses a folder inside a unit folder the generator reads, whose store would be read too', () => {
    const config = temp();
    const units = path.join(config, 'containers', 'systemd');
    const site = path.join(units, 'lychd-site');
    const r = bind(site, { XDG_CONFIG_HOME: config });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`The Binding Site ${site} is inside ${units}, a folder the quadlet generator reads`);
    noTrace(r.stderr);
    expect(fs.existsSync(units)).toBe(false);
    // The unit folder itself is the normal site.
    const ok = bind(units, { XDG_CONFIG_HOME: config });
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('refuses a site that is a symbolic link to another filesystem, naming the real folder', () => {
    const other = temp('/dev/shm');
    if (fs.statSync(other).dev === fs.statSync(os.tmpdir()).dev) throw new Error('this check needs /dev/shm on a filesystem of its own');
    const base = temp();
    fs.mkdirSync(path.join(base, 'containers'));
    const site = path.join(base, 'containers', 'systemd');
    fs.symlinkSync(other, site);
    const r = bind(site);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`leads through a symbolic link to ${other}, on another filesystem`);
    expect(r.stderr).toContain(`--binding-site ${other}`);
    noTrace(r.stderr);
    expect(fs.readdirSync(other)).toEqual([]);
    expect(fs.readdirSync(path.join(base, 'containers'))).toEqual(['systemd']);
  });

  it('warns at bind about a unit of the user that shadows one of ours', () => {
    const site = path.join(temp(), 'containers', 'systemd');
    fs.mkdirSync(site, { recursive: true });
    fs.writeFileSync(path.join(site, 'vessel.container'), '[Container]\nImage=docker.io/library/busybox:1\n');
    const r = bind(site);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`warning: ${path.join(site, 'vessel.container')} has the name of a LychD unit`);
  });

  it('says LYCHD_PODMAN names no executable file rather than that podman is not installed', () => {
    const site = path.join(temp(), 'containers', 'systemd');
    const r = bind(site, { LYCHD_PODMAN: '/nonexistent/podman' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/podman not found \(LYCHD_PODMAN is not an executable file\)/);
    noTrace(r.stderr);
    expect(fs.existsSync(site)).toBe(false);
  });

  it('refuses to replace a link named lychd that it did not make, and changes nothing', () => {
    const site = path.join(temp(), 'containers', 'systemd');
    fs.mkdirSync(site, { recursive: true });
    const mine = temp();
    fs.symlinkSync(mine, path.join(site, 'lychd'));
    const r = bind(site);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path.join(site, 'lychd')} is a symbolic link to ${mine}, which the Forge did not make`);
    expect(r.stderr).toContain(`mv ${path.join(site, 'lychd')}`);
    noTrace(r.stderr);
    expect(fs.readlinkSync(path.join(site, 'lychd'))).toBe(mine);
    expect(fs.readdirSync(path.dirname(site)).filter((e) => e.startsWith('.lychd'))).toEqual([]);
  });

  it('asks the systemctl that LYCHD_SYSTEMCTL names, for bind and bind --rollback alike', () => {
    const site = path.join(temp(), 'containers', 'systemd');
    const bin = temp();
    const log = path.join(bin, 'calls');
    fs.writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> ${log}\n`, { mode: 0o755 });
    const env = { LYCHD_SYSTEMCTL: path.join(bin, 'systemctl') };
    expect(bind(site, env).status).toBe(0);
    fs.writeFileSync(
      path.join(codexDir, 'runes/animator/portals/zz-extra.toml'),
      fs
        .readFileSync(
          path.join(codexDir, 'runes/animator/portals', fs.readdirSync(path.join(codexDir, 'runes/animator/portals'))[0]!),
          'utf8',
        )
        .replace(/name = "[^"]*"/, 'name = "zz-extra"'),
    );
    try {
      expect(bind(site, env).status).toBe(0);
      const rollback = forge(['bind', '--rollback', '--binding-site', site], { env: { LYCHD_PODMAN: '', ...env } });
      expect(rollback.status, rollback.stderr).toBe(0);
    } finally {
      fs.rmSync(path.join(codexDir, 'runes/animator/portals/zz-extra.toml'));
    }
    const calls = fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.includes('daemon-reload'));
    expect(calls).toHaveLength(3);
    expect(calls.every((l) => l.startsWith('--user '))).toBe(true);
  });
});
