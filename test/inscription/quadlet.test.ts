import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bind, listGenerations } from '../../tools/src/inscription';
import { FOREIGN, generationFiles, REPO, runChild, tempDir, writeForeign, writeGeneration } from './helpers';

const QUADLET = path.join(REPO, '.tools', 'bin', 'quadlet');
const REQUIRE = process.env['LYCHD_REQUIRE_TOOLS'] === '1';
const missing = !fs.existsSync(QUADLET) && !REQUIRE;
if (missing) {
  console.warn(
    `[inscription quadlet] SKIPPING the real-generator tests: ${QUADLET} is not installed (set LYCHD_REQUIRE_TOOLS=1 to fail instead).`,
  );
}

const UNIT_EXT = /\.(container|volume|kube|network|image|pod|build)$/;

function serviceName(file: string): string {
  const base = path.basename(file);
  const ext = path.extname(base);
  const stem = base.slice(0, -ext.length);
  return ext === '.container' ? `${stem}.service` : `${stem}-${ext.slice(1)}.service`;
}

/** Run the real generator over the site only, as systemd would at daemon-reload. */
function dryRun(site: string): { services: string[]; loaded: string[] } {
  const out = spawnSync(QUADLET, ['-dryrun', '-user'], {
    env: { ...process.env, QUADLET_UNIT_DIRS: site },
    encoding: 'utf8',
  });
  expect(out.status, out.stderr).toBe(0);
  expect(out.stderr).not.toMatch(/Warning|error/i);
  const services = [...out.stdout.matchAll(/^---(.+)---$/gm)].map((m) => m[1] as string).sort();
  const loaded = [...out.stderr.matchAll(/Loading source unit file (.+)$/gm)].map((m) => m[1] as string).sort();
  return { services, loaded };
}

function expectSees(site: string, files: Record<string, string>, currentDir: string): void {
  const { services, loaded } = dryRun(site);
  const ours = Object.keys(files).filter((f) => UNIT_EXT.test(f));
  const theirs = Object.keys(FOREIGN).filter((f) => UNIT_EXT.test(f));
  expect(services).toEqual([...ours, ...theirs].map(serviceName).sort());
  // Each of our units is loaded exactly once, from the current generation via the link.
  const realCurrent = fs.realpathSync(currentDir);
  const fromUs = loaded.filter((l) => !theirs.some((t) => l === path.join(site, t)));
  expect(fromUs.sort()).toEqual(ours.map((f) => path.join(realCurrent, f)).sort());
  for (const t of theirs) expect(loaded.filter((l) => l === path.join(site, t))).toHaveLength(1);
}

describe.skipIf(missing)('the real quadlet generator reads the Binding Site', () => {
  it('sees the generation through the lychd link exactly once, nothing from older ones in the store', async () => {
    const root = tempDir();
    const site = path.join(root, 'containers', 'systemd');
    fs.mkdirSync(site, { recursive: true });
    writeForeign(site);
    await bind({ generationDir: writeGeneration(path.join(root, 'r-A'), generationFiles('A')), bindingSite: site, reload: false });
    await bind({ generationDir: writeGeneration(path.join(root, 'r-B'), generationFiles('B')), bindingSite: site, reload: false });
    const gens = listGenerations({ bindingSite: site });
    expect(gens).toHaveLength(2);
    expectSees(site, generationFiles('B'), gens.find((g) => g.current)?.dir as string);
  });

  it('after a bind killed mid-switch, still sees exactly the old generation', async () => {
    const root = tempDir();
    const site = path.join(root, 'containers', 'systemd');
    fs.mkdirSync(site, { recursive: true });
    writeForeign(site);
    await bind({ generationDir: writeGeneration(path.join(root, 'r-A'), generationFiles('A')), bindingSite: site, reload: false });
    const out = await runChild({
      op: 'bind',
      bindingSite: site,
      generationDir: writeGeneration(path.join(root, 'r-B'), generationFiles('B')),
      env: { LYCHD_BIND_KILL_AT: 'switch-link' },
    });
    expect(out.signal).toBe('SIGKILL');
    // The new generation and the staged link exist in the store, but the generator cannot see them.
    const current = listGenerations({ bindingSite: site }).find((g) => g.current);
    expect(listGenerations({ bindingSite: site })).toHaveLength(2);
    expectSees(site, generationFiles('A'), current?.dir as string);
  });
});
