import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonPaths } from '../../tools/src/cli/paths';
import { toml, writeTree, WORKSPACE } from '../support/codex-fixture';
import { forge } from '../support/run';
import { tempDir } from '../support/temp';

/** A folder in no workspace (no nx.json, no package.json with workspaces on the way up). */
const outside = () => tempDir('lychd-nowhere-');

describe("the Codex's home outside a workspace", () => {
  it("is $XDG_CONFIG_HOME/lychd, else ~/.config/lychd; inside a workspace, the workspace's own folders", () => {
    const cwd = outside();
    expect(commonPaths({}, cwd, { XDG_CONFIG_HOME: '/x/cfg', XDG_DATA_HOME: '/x/data', HOME: '/home/m' })).toMatchObject({
      codexDir: '/x/cfg/lychd',
      extensionsDir: '/x/data/lychd/extensions',
    });
    // A relative XDG variable is ignored, as the XDG spec says.
    expect(commonPaths({}, cwd, { XDG_CONFIG_HOME: 'cfg', HOME: '/home/m' })).toMatchObject({
      codexDir: '/home/m/.config/lychd',
      extensionsDir: '/home/m/.local/share/lychd/extensions',
    });
    expect(commonPaths({ codexDir: 'c', extensionsDir: 'e' }, cwd, {})).toMatchObject({
      codexDir: path.join(cwd, 'c'),
      extensionsDir: path.join(cwd, 'e'),
    });
    expect(commonPaths({}, WORKSPACE, { XDG_CONFIG_HOME: '/x/cfg' })).toMatchObject({
      codexDir: path.join(WORKSPACE, 'codex'),
      extensionsDir: path.join(WORKSPACE, 'extensions'),
    });
  });

  it('lychd-forge validate and covens read it there, daemon sections and all', () => {
    const config = writeTree({
      'lychd/lychd.toml': toml([
        '[server]',
        'workers = 2',
        '[policy.egress]',
        'default = "deny"',
        '[defaults.soulstone]',
        'groups = ["night"]',
      ]),
      'lychd/runes/animator/soulstones/vllm/owl.toml': toml([
        'name = "owl"',
        'image = "docker.io/vllm/vllm-openai:v0.10.1"',
        'port = 8801',
        'model_path = "/models/owl"',
      ]),
    });
    const env = { XDG_CONFIG_HOME: config, XDG_DATA_HOME: path.join(config, 'data') };
    const validate = forge(['validate'], { cwd: outside(), env });
    expect(validate.stderr).toBe('');
    expect(validate.stdout).toMatch(new RegExp(`^Codex ${config}/lychd: valid: 1 soulstone\\(s\\)`, 'm'));
    // The coven came from [defaults.soulstone]: the rune names none.
    expect(forge(['covens'], { cwd: outside(), env }).stdout).toMatch(/^soulstone-owl +night +no +-$/m);
  });

  it('says how to name it when neither XDG_CONFIG_HOME nor HOME is usable', () => {
    const r = forge(['validate'], { cwd: outside(), env: { XDG_CONFIG_HOME: '', HOME: '' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot locate the Codex: this folder is in no workspace/);
    expect(r.stderr).toMatch(/pass --codex DIR/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
