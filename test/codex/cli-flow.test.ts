import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExampleCodex, WORKSPACE } from '../support/codex-fixture';
import { forge } from '../support/run';
import { tempDir } from '../support/temp';

const site = () => path.join(tempDir('lychd-cli-site-'), 'containers', 'systemd');
const ext = ['--extensions', path.join(WORKSPACE, 'extensions')];

describe('lychd-forge scribe and bind on a Codex outside the workspace', () => {
  it('renders the generation, binds it, reports no drift, then drift after a hand edit, and rolls back', () => {
    const codexDir = copyExampleCodex();
    const out = tempDir('lychd-cli-out-');
    const rendered = forge(['scribe', '--codex', codexDir, ...ext, '--out', out]);
    expect(rendered.status, rendered.stderr).toBe(0);
    expect(fs.readdirSync(out)).toContain('soulstone-eye.container');

    const bindingSite = site();
    const first = forge(['bind', '--codex', codexDir, ...ext, '--binding-site', bindingSite]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/installed generation [0-9a-f]{16}/);
    expect(fs.readFileSync(path.join(bindingSite, 'lychd', 'soulstone-eye.container'), 'utf8')).toBe(
      fs.readFileSync(path.join(out, 'soulstone-eye.container'), 'utf8'),
    );

    const again = forge(['bind', '--codex', codexDir, ...ext, '--binding-site', bindingSite]);
    expect(again.stdout).toMatch(/is already installed .*nothing changed/);
    expect(forge(['bind', '--check', '--codex', codexDir, ...ext, '--binding-site', bindingSite]).status).toBe(0);

    // A changed Codex binds a second generation; a rollback restores the first byte for byte.
    const before = fs.readFileSync(path.join(bindingSite, 'lychd', 'lychd.pod'), 'utf8');
    const eye = path.join(codexDir, 'runes/animator/soulstones/sglang/vision_eye.toml');
    fs.writeFileSync(eye, fs.readFileSync(eye, 'utf8').replace('port = 8780', 'port = 8784'));
    const drift = forge(['bind', '--check', '--codex', codexDir, ...ext, '--binding-site', bindingSite]);
    expect(drift.status).toBe(1);
    expect(drift.stderr).toMatch(/-PublishPort=127\.0\.0\.1:8780:8780\n\+PublishPort=127\.0\.0\.1:8784:8784/);
    expect(forge(['bind', '--codex', codexDir, ...ext, '--binding-site', bindingSite]).status).toBe(0);
    expect(fs.readFileSync(path.join(bindingSite, 'lychd', 'lychd.pod'), 'utf8')).toContain('8784');
    const back = forge(['bind', '--rollback', '--binding-site', bindingSite]);
    expect(back.status, back.stderr).toBe(0);
    expect(fs.readFileSync(path.join(bindingSite, 'lychd', 'lychd.pod'), 'utf8')).toBe(before);
  });

  it('changes nothing when the Codex is invalid', () => {
    const codexDir = copyExampleCodex();
    fs.appendFileSync(path.join(codexDir, 'runes/animator/soulstones/llamacpp/titan.toml'), 'port_typo = 1\n');
    const bindingSite = site();
    const r = forge(['bind', '--codex', codexDir, ...ext, '--binding-site', bindingSite]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/titan\.toml:\d+:1: error\[LYCHD103\]: unknown field "port_typo"/);
    expect(fs.existsSync(path.dirname(bindingSite))).toBe(false);
  });

  it('refuses flags that do not go together', () => {
    const r = forge(['bind', '--check', '--rollback']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lychd-forge: option '--check' cannot be used with option '--rollback'/);
  });
});

describe("lychd-forge scribe --out on a folder that is not the Forge's", () => {
  it("refuses a clone of the workspace and the user's own unit folder, deleting nothing", () => {
    const codexDir = copyExampleCodex();
    const clone = tempDir('lychd-cli-clone-');
    const theirs = {
      'package.json': '{}',
      'nx.json': '{}',
      'forge/synthesis.lock.json': '{}',
      '.hidden/x.yml': 'a: 1',
      'mine.container': '[Container]',
    };
    for (const [rel, text] of Object.entries(theirs)) {
      fs.mkdirSync(path.dirname(path.join(clone, rel)), { recursive: true });
      fs.writeFileSync(path.join(clone, rel), text);
    }
    const r = forge(['scribe', '--codex', codexDir, ...ext, '--out', clone]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error\[LYCHD409\]: \S+ is not empty and holds no generation written by the Forge/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    for (const [rel, text] of Object.entries(theirs)) expect(fs.readFileSync(path.join(clone, rel), 'utf8')).toBe(text);
    expect(fs.readdirSync(clone).sort()).toEqual(['.hidden', 'forge', 'mine.container', 'nx.json', 'package.json']);
    fs.rmSync(clone, { recursive: true, force: true });
  });
});

describe('a folder outside the workspace for the synthesis', () => {
  it('is refused first, before anything in it is read', () => {
    const outside = tempDir('lychd-cli-outside-');
    fs.mkdirSync(path.join(outside, 'broken'));
    fs.writeFileSync(path.join(outside, 'broken', 'pyproject.toml'), 'not = [toml\n');
    for (const command of ['synthesize', 'federate']) {
      const r = forge([command, '--extensions', outside]);
      expect(r.status, command).toBe(1);
      expect(r.stderr, command).toContain(`--extensions ${outside} is not a folder inside the workspace`);
      expect(r.stderr, command).not.toContain('broken');
    }
  });
});
