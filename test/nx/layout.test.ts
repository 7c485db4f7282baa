import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forge, forgeAsync } from '../support/run';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';

const MANIFEST = 'forge/synthesis.lock.json';

// The default layout: what the synthesis writes through Nx is what this repository commits.
describe('the forge targets in the default layout', () => {
  it('synthesize the committed Synthesis Manifest', async () => {
    const ws = copyWorkspace();
    const committed = ws.read(MANIFEST);
    const run = await ws.nx(['run', 'forge:synthesize', '--output-style=static']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(ws.read(MANIFEST)).toBe(committed);
    fs.rmSync(ws.root, { recursive: true, force: true });
  }, 300_000);
});

/**
 * A workspace whose Codex lives in config/codex and whose extensions live in plugins/, as nx.json
 * says: every reader takes its folders from there, and nothing looks for codex/ or extensions/.
 */
describe('the forge targets in a custom layout', () => {
  let ws: WorkspaceCopy;
  beforeAll(() => {
    ws = copyWorkspace();
    fs.mkdirSync(path.join(ws.root, 'config'));
    fs.renameSync(path.join(ws.root, 'codex'), path.join(ws.root, 'config/codex'));
    fs.renameSync(path.join(ws.root, 'extensions'), path.join(ws.root, 'plugins'));
    const nxJson = JSON.parse(ws.read('nx.json')) as { plugins: { options: object }[] };
    nxJson.plugins[0]!.options = { codexDir: 'config/codex', extensionsDir: 'plugins' };
    ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    // What the hooks registered and the lock uv starts from, as they were made in this layout:
    // uv cannot start from a lock whose members have moved.
    ws.write('forge/federation.json', ws.read('forge/federation.json').replaceAll('"extensions/', '"plugins/'));
    ws.write(
      'forge/synthesis/python/uv.lock',
      ws.read('forge/synthesis/python/uv.lock').replaceAll('../../../extensions/', '../../../plugins/'),
    );
    ws.git(['add', '-A']);
    ws.git(['commit', '-q', '-m', 'custom layout']);
  });
  afterAll(() => fs.rmSync(ws.root, { recursive: true, force: true }));

  it("validate the Codex and its extensions' manifests there", async () => {
    const run = await ws.nx(['run', 'codex:validate', '--output-style=static']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /Codex config\/codex: valid: \d+ soulstone\(s\), \d+ portal\(s\), \d+ rune\(s\) of extension families, 3 extension\(s\)/,
    );
  }, 300_000);

  it('render the Quadlets and synthesize from there', async () => {
    const run = await ws.nx(['run', 'forge:synthesize', '--output-style=static']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const manifest = JSON.parse(ws.read(MANIFEST)) as {
      components: { path: string }[];
      inputs: { files: Record<string, string> };
      quadlets: { files: object };
    };
    expect(manifest.components.map((c) => c.path)).toEqual(['core', 'plugins/atelier', 'plugins/oracle', 'plugins/scriptorium']);
    expect(Object.keys(manifest.inputs.files).filter((f) => f.includes('lychd.toml'))).toEqual(['config/codex/lychd.toml#forge']);
    expect(Object.keys(manifest.inputs.files).some((f) => f.startsWith('extensions/') || f.startsWith('codex/'))).toBe(false);
    expect(Object.keys(manifest.quadlets.files).length).toBeGreaterThan(10);
    expect(ws.read('forge/synthesis/python/pyproject.toml')).toContain('"../../../plugins/oracle"');
  }, 600_000);

  it("run the extensions' hooks from there, which register the same items under plugins/", async () => {
    const registered = ws.read('forge/federation.json');
    const run = await ws.nx(['run', 'forge:federate', '--output-style=static']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(ws.read('forge/federation.json')).toBe(registered);
  }, 600_000);

  it('the command line reads the same layout, from its flags or from nx.json', async () => {
    const flags = await forgeAsync(['synthesize', '--codex', 'config/codex', '--extensions', 'plugins'], { cwd: ws.root });
    expect(flags.status, flags.stdout + flags.stderr).toBe(0);
    expect(ws.read('forge/synthesis/python/pyproject.toml')).toContain('"../../../plugins/oracle"');
    const check = await forgeAsync(['synthesize', '--check'], { cwd: ws.root });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const validate = forge(['validate'], { cwd: ws.root });
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);
  }, 300_000);
});
