import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { soulstones } from '../../tools/src/codex';
import { assembleGeneration, renderGeneration, ScribeError, writeGeneration } from '../../tools/src/scribe';
import { cleanup, loadCase, readTree, tempDir } from './helpers';

afterAll(cleanup);

describe('writeGeneration', () => {
  it('writes exactly the rendered files, removes a dropped soulstone and leaves no temp files', () => {
    const codex = loadCase('example');
    const dir = tempDir();
    const all = renderGeneration(codex);
    writeGeneration(all, dir);
    expect(readTree(dir)).toEqual(all);

    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    const fewer = structuredClone(codex);
    fewer.runes = fewer.runes.filter((r) => r.config.name !== 'titan');
    fewer.prime.scribe.enabled = false;
    const next = renderGeneration(fewer);
    writeGeneration(next, dir);
    expect(existsSync(join(dir, 'soulstone-titan.container'))).toBe(false);
    expect(existsSync(join(dir, 'scribe'))).toBe(false);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
    const tree = readTree(dir);
    tree.delete('notes.txt');
    expect(tree).toEqual(next);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // The other soulstones no longer conflict with the removed one.
    for (const text of next.values()) expect(text).not.toContain('soulstone-titan');
    expect(soulstones(fewer).length).toBe(soulstones(codex).length - 1);
  });

  it('refuses file names that leave the folder', () => {
    expect(() => writeGeneration(new Map([['../escape.container', '']]), tempDir())).toThrow(ScribeError);
  });
});

describe('assembleGeneration', () => {
  it('refuses a file from two pieces and two files that become one service', () => {
    expect(() => assembleGeneration([new Map([['a.container', 'x']]), new Map([['a.container', 'y']])])).toThrow(/a\.container is generated twice/);
    expect(() => assembleGeneration([new Map([['lychd.pod', 'x'], ['lychd-pod.container', 'y']])])).toThrow(/would both become lychd-pod\.service/);
    expect([...assembleGeneration([new Map([['b.container', '']]), new Map([['a.container', '']])]).keys()]).toEqual(['a.container', 'b.container']);
  });
});
