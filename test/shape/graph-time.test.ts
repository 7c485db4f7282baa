import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect, it } from 'vitest';

/**
 * Nx loads the plugin before every command, cached or not: what it loads is start-up time of every
 * `nx` run. The inference reads the Prime Scroll lazily, on a cache miss only; loading the plugin
 * itself brings neither zod nor the Codex's schemas nor a reader of the artifacts.
 */
it('loads the plugin without zod, the Codex schemas or the artifact readers', () => {
  const load = path.join(__dirname, '../../tools/bin/load.js');
  const r = spawnSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(load)})('nx/plugin'); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  const loaded = JSON.parse(r.stdout) as string[];
  expect(loaded.some((f) => f.endsWith('/tools/src/nx/plugin.ts'))).toBe(true);
  expect(loaded.filter((f) => /\/node_modules\/zod\/|\/tools\/src\/codex\/schemas\/|\/tools\/src\/artifacts\/read\.ts$/.test(f))).toEqual(
    [],
  );
});
