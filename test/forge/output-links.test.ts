import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE } from '../support/codex-fixture';
import { forge } from '../support/run';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';
import { skipWithout } from '../toolchain/tool-gate';
import { tempDir } from '../support/temp';

/**
 * An output path that holds a symbolic link (placed there by anyone who can write the workspace)
 * must never make the Forge write into the link's target: each writer replaces the link with the
 * new file and leaves the target as it was.
 */
let ws: WorkspaceCopy;
let outside: string;

beforeAll(() => {
  ws = copyWorkspace();
  outside = tempDir('lychd-victim-');
});

/** Puts a link to a fresh victim file at `rel`; returns the victim's path. */
function plantLink(rel: string): string {
  const victim = path.join(outside, rel.replace(/[/.]/g, '_'));
  fs.writeFileSync(victim, 'victim\n');
  const at = path.join(ws.root, rel);
  fs.rmSync(at, { force: true });
  fs.symlinkSync(victim, at);
  return victim;
}

function expectReplaced(rel: string, victim: string): void {
  expect(fs.readFileSync(victim, 'utf8')).toBe('victim\n');
  const st = fs.lstatSync(path.join(ws.root, rel));
  expect(st.isSymbolicLink()).toBe(false);
  expect(st.isFile()).toBe(true);
  // The copy of the workspace is current, so each output is the committed file again.
  expect(fs.readFileSync(path.join(ws.root, rel), 'utf8')).toBe(fs.readFileSync(path.join(WORKSPACE, rel), 'utf8'));
}

describe('outputs are replaced, never written through a link', () => {
  it('schemas: the reference, the Taplo mapping and every JSON Schema', () => {
    const outputs = ['docs/codex-reference.md', '.taplo.toml', 'tools/schemas/prime-scroll.schema.json'];
    const victims = outputs.map(plantLink);
    const r = forge(['schemas'], { cwd: ws.root });
    expect(r.status, r.stderr).toBe(0);
    outputs.forEach((rel, i) => expectReplaced(rel, victims[i] as string));
    expect(forge(['schemas', '--check'], { cwd: ws.root }).status).toBe(0);
  });

  it.skipIf(skipWithout('mmdebstrap'))('containerfile: forge/Containerfile', () => {
    const victim = plantLink('forge/Containerfile');
    const r = forge(['containerfile'], { cwd: ws.root });
    expect(r.status, r.stderr).toBe(0);
    expectReplaced('forge/Containerfile', victim);
    expect(forge(['containerfile', '--check'], { cwd: ws.root }).status).toBe(0);
  });

  it.skipIf(skipWithout('uv'))('federate: forge/federation.json', () => {
    const victim = plantLink('forge/federation.json');
    const r = forge(['federate'], { cwd: ws.root });
    expect(r.status, r.stderr).toBe(0);
    expectReplaced('forge/federation.json', victim);
  });
});
