import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runNx } from '../support/nx-run';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';

// forge:flake alone (its dependencies are the synthesis stages, tested elsewhere): cached on the
// manifest, the Prime Scroll, the template and the plugin, and on nothing else.
describe('forge:flake, the cached Nx target', () => {
  let ws: WorkspaceCopy | undefined;
  afterAll(() => ws && fs.rmSync(ws.root, { recursive: true, force: true }));
  const flake = () => runNx(ws!, ['run', 'forge:flake', '--excludeTaskDependencies', '--outputStyle=static']);

  it('renders, is a cache hit when nothing changed, and reruns for the template or the Prime Scroll only', async () => {
    ws = copyWorkspace();
    const committed = ws.read('flake.nix');
    fs.rmSync(`${ws.root}/flake.nix`);
    let r = await flake();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.ran).toEqual(['forge:flake']);
    expect(ws.read('flake.nix')).toBe(committed);

    r = await flake();
    expect(r.cached).toEqual(['forge:flake']);

    // An edit no input of flake.nix sees: still a hit.
    ws.write('core/src/lychd_core/extra.py', '"""Not an input of flake.nix."""\n');
    r = await flake();
    expect(r.cached).toEqual(['forge:flake']);

    ws.write('forge/templates/flake.nix.njk', `${ws.read('forge/templates/flake.nix.njk')}# edited\n`);
    r = await flake();
    expect(r.ran).toEqual(['forge:flake']);
    expect(ws.read('flake.nix').endsWith('}\n# edited\n')).toBe(true);

    ws.write('codex/lychd.toml', ws.read('codex/lychd.toml').replace('port = 8000', 'port = 8010'));
    r = await flake();
    expect(r.ran).toEqual(['forge:flake']);
    expect(ws.read('flake.nix')).toContain('"LYCHD_PORT=8010"');
  });
});
