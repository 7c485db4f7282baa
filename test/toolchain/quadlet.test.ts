import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { countCheck, dryRunQuadlets, verifyUnits } from '../../tools/src/toolchain';
import { cleanupDirs, member, POD, unit, unitDir } from './fixtures';
import { skipWithout } from './tool-gate';

const noQuadlet = skipWithout('quadlet');
const noVerify = skipWithout('quadlet', 'systemd-analyze');

afterEach(cleanupDirs);

// Three soulstones that may never run together.
function soulstone(name: string, others: string[], after: string[]): string {
  return member(
    name,
    [
      `Conflicts=${others.map((o) => `${o}.service`).join(' ')}`,
      ...(after.length > 0 ? [`After=${after.map((o) => `${o}.service`).join(' ')}`] : []),
    ],
    ['StartWithPod=false'],
  );
}

function lychdTemps(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('lychd-verify-') || n.startsWith('lychd-count-'));
}

describe('a clean pod with two members', () => {
  const files = { 'lychd.pod': POD, 'app.container': member('app'), 'db.container': member('db') };

  it.skipIf(noQuadlet)('dry-runs without warnings and links the members to the pod', () => {
    const r = dryRunQuadlets(unitDir(files));
    expect(r.warnings).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.ok).toBe(true);
    expect([...r.services.keys()].sort()).toEqual(['app.service', 'db.service', 'lychd-pod.service']);
    expect(r.services.get('app.service')).toMatch(/^ExecStart=\/usr\/bin\/podman run .*--pod-id-file %t\/lychd-pod\.pod-id /m);
    expect(r.services.get('lychd-pod.service')).toMatch(/^ExecStartPre=.* pod create .*--userns keep-id/m);
  });

  it.skipIf(noVerify)('passes systemd-analyze verify with empty stderr and leaves no temp dirs', () => {
    const before = lychdTemps();
    const r = verifyUnits(unitDir(files));
    expect(r.stderr).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.generation.services).toEqual(['app.service', 'db.service', 'lychd-pod.service']);
    expect(lychdTemps()).toEqual(before);
  });

  it.skipIf(noQuadlet)('has one service per source file', () => {
    const r = countCheck(unitDir(files));
    expect(r).toEqual({
      ok: true,
      sources: ['app.container', 'db.container', 'lychd.pod'],
      services: ['app.service', 'db.service', 'lychd-pod.service'],
    });
  });
});

describe('generator and systemd findings', () => {
  it.skipIf(noQuadlet)('reports Secret= in [Pod] as an error', () => {
    const pod = unit('[Pod]', 'PodName=lychd', 'Secret=hf_token');
    const r = dryRunQuadlets(unitDir({ 'lychd.pod': pod, 'app.container': member('app') }));
    expect(r.ok).toBe(false);
    expect(r.status).not.toBe(0);
    expect(r.errors.some((e) => e.includes("unsupported key 'Secret' in group 'Pod'"))).toBe(true);
  });

  it.skipIf(noQuadlet)('reports a short image name as a warning, not an error', () => {
    const app = unit('[Container]', 'Image=alpine', 'Pod=lychd.pod');
    const r = dryRunQuadlets(unitDir({ 'lychd.pod': POD, 'app.container': app }));
    expect(r.status).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^Warning: app\.container .*"alpine".*not a fully qualified image name/);
    expect(r.ok).toBe(false);
  });

  it.skipIf(noVerify)('shows a glob in Conflicts= on verify stderr although systemd exits 0', () => {
    const dir = unitDir({
      'lychd.pod': POD,
      'soulstone-vllm.container': member('vllm', ['Conflicts=soulstone-*.service']),
    });
    const r = verifyUnits(dir);
    expect(r.status).toBe(0);
    expect(r.ok).toBe(false);
    expect(r.stderr.some((l) => /soulstone-\*\.service.*Invalid argument/.test(l))).toBe(true);
  });

  it.skipIf(noVerify)('fails on an ordering cycle among three conflicting units with symmetric After=', () => {
    const names = ['a', 'b', 'c'];
    const others = (n: string) => names.filter((o) => o !== n);
    const files: Record<string, string> = { 'lychd.pod': POD };
    for (const n of names) files[`${n}.container`] = soulstone(n, others(n), others(n));
    const r = verifyUnits(unitDir(files));
    expect(r.ok).toBe(false);
    expect(r.status).not.toBe(0);
    expect(r.stderr.join('\n')).toMatch(/ordering cycle/);
  });

  it.skipIf(noVerify)('passes the same three units ordered along a total order', () => {
    const names = ['a', 'b', 'c'];
    const files: Record<string, string> = { 'lychd.pod': POD };
    for (const n of names) {
      files[`${n}.container`] = soulstone(
        n,
        names.filter((o) => o !== n),
        names.filter((o) => o < n),
      );
    }
    const r = verifyUnits(unitDir(files));
    expect(r.stderr).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it.skipIf(noQuadlet)('catches the silent lychd.pod / lychd-pod.container collision by counting', () => {
    const dir = unitDir({ 'lychd.pod': POD, 'lychd-pod.container': member('x'), 'app.container': member('app') });
    // The generator itself says nothing about it.
    const dry = dryRunQuadlets(dir);
    expect(dry.status).toBe(0);
    expect(dry.errors).toEqual([]);
    const r = countCheck(dir);
    expect(r.ok).toBe(false);
    expect(r.sources).toEqual(['app.container', 'lychd-pod.container', 'lychd.pod']);
    expect(r.services).toEqual(['app.service', 'lychd-pod.service']);
  });

  it.skipIf(noQuadlet)('counts hidden files and subdirectories like the generator does', () => {
    const dir = unitDir({
      'lychd/lychd.pod': POD,
      '.hidden.container': member('hidden'),
      'app.container~': member('backup'),
      'app.container.tmp': member('temp'),
    });
    const r = countCheck(dir);
    expect(r.sources).toEqual(['.hidden.container', 'lychd/lychd.pod']);
    expect(r.services).toEqual(['.hidden.service', 'lychd-pod.service']);
    expect(r.ok).toBe(true);
  });

  it('does not leave the verify temp dir behind when the generator is missing', () => {
    const before = lychdTemps();
    const env = { ...process.env, LYCHD_QUADLET: '/nonexistent/quadlet' };
    expect(() => verifyUnits(unitDir({ 'lychd.pod': POD }), { env })).toThrow(/quadlet not found/);
    expect(lychdTemps()).toEqual(before);
    expect(existsSync('/nonexistent/quadlet')).toBe(false);
  });
});
