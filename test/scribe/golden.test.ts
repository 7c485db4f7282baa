import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { soulstones } from '../../tools/src/codex';
import {
  renderCapabilities,
  renderCoreServices,
  renderCovenTargets,
  renderGeneration,
  renderObservability,
  renderPod,
  renderSoulstone,
  soulstoneRoster,
} from '../../tools/src/scribe';
import { countCheck, dryRunQuadlets, verifyUnits } from '../../tools/src/toolchain';
import { skipWithout } from '../toolchain/tool-gate';
import { CASES, expectedDir, installed, loadCase, readTree, tempDir, WORKSPACE } from './helpers';

const noQuadlet = skipWithout('quadlet');
const noVerify = skipWithout('quadlet', 'systemd-analyze');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
// In CI the reviewed files are the reference: re-recording them there would pass by construction.
if (UPDATE && process.env.CI && process.env.CI !== 'false')
  throw new Error('UPDATE_GOLDEN=1 is refused in CI (CI is set): re-record locally, review `git diff`, commit');

describe.each(CASES)('golden case %s', (name) => {
  const codex = loadCase(name);
  const files = renderGeneration(codex);

  it('matches the reviewed files in expected/ (UPDATE_GOLDEN=1 re-records)', () => {
    const dir = expectedDir(name);
    if (UPDATE) {
      // What is recorded must be stable: a second render from a fresh load gives the same bytes.
      expect(renderGeneration(loadCase(name)), 'a second render differs').toEqual(files);
      // Re-recording never passes by itself: what changed is listed, to be reviewed and run again.
      const before = existsSync(dir) ? readTree(dir) : new Map<string, string>();
      rmSync(dir, { recursive: true, force: true });
      for (const [f, text] of files) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), text);
      }
      const changed = [...new Set([...before.keys(), ...files.keys()])].filter((f) => before.get(f) !== files.get(f)).sort();
      console.log(`[golden ${name}] re-recorded: ${changed.length ? changed.join(', ') : 'no file changed'}`);
      expect(changed, 're-recorded these files: review `git diff`, then run again without UPDATE_GOLDEN').toEqual([]);
    }
    const expected = readTree(dir);
    expect([...files.keys()]).toEqual([...expected.keys()].sort());
    for (const [f, text] of files) expect(text, f).toBe(expected.get(f));
  });

  it('is exactly the union of the piecewise renderers, soulstones rendered from the roster alone', () => {
    const roster = JSON.parse(JSON.stringify(soulstoneRoster(codex)));
    const pieces = new Map<string, string>();
    for (const part of [
      renderPod(codex),
      renderCoreServices(codex),
      renderObservability(codex),
      renderCapabilities(codex),
      renderCovenTargets(codex),
    ]) {
      for (const [f, t] of part) pieces.set(f, t);
    }
    for (const rune of soulstones(codex)) {
      const { file, text } = renderSoulstone(rune, roster);
      pieces.set(file, text);
    }
    expect(new Map([...pieces].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(files);
  });

  it('is deterministic text: LF only, trailing newline, no build-machine paths', () => {
    for (const [f, text] of files) {
      expect(text, f).not.toMatch(/\r/);
      expect(text.endsWith('\n'), f).toBe(true);
      expect(text, f).not.toContain(WORKSPACE);
      expect(text, f).not.toContain(codex.root);
      expect(text, f).not.toMatch(/\/tmp\/|\/home\/|\/root\//);
    }
  });

  it.skipIf(noQuadlet)('passes quadlet -dryrun -user with no warning, one service per file', () => {
    const units = installed(files);
    const dry = dryRunQuadlets(units);
    expect(dry.errors).toEqual([]);
    expect(dry.warnings).toEqual([]);
    expect(dry.status).toBe(0);
    const count = countCheck(units);
    expect(count.services.length).toBe(count.sources.length);
    expect(count.ok).toBe(true);
  });

  it.skipIf(noVerify)('passes systemd-analyze --user verify with empty stderr', () => {
    const r = verifyUnits(installed(files));
    expect(r.stderr).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.ok).toBe(true);
  });
});

describe('determinism', () => {
  it('gives byte-identical files from two working directories', () => {
    const here = process.cwd();
    const renders = [WORKSPACE, tempDir()].map((cwd) => {
      process.chdir(cwd);
      try {
        return CASES.map((c) => renderGeneration(loadCase(c)));
      } finally {
        process.chdir(here);
      }
    });
    expect(renders[1]).toEqual(renders[0]);
  });
});
