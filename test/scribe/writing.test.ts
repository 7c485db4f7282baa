import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { soulstones } from '../../tools/src/codex';
import { assembleGeneration, renderGeneration, ScribeError, writeGeneration } from '../../tools/src/scribe';
import { OWNERSHIP_RECORD } from '../../tools/src/scribe/generation';
import { loadCase, readTree, tempDir } from './helpers';

describe('writeGeneration', () => {
  it('writes exactly the rendered files, removes a dropped soulstone and leaves no temp files', () => {
    const codex = loadCase('example');
    const dir = tempDir();
    const all = renderGeneration(codex);
    writeGeneration(all, dir);
    const written = readTree(dir);
    expect(JSON.parse(written.get(OWNERSHIP_RECORD)!)).toEqual({ files: [...all.keys()] });
    written.delete(OWNERSHIP_RECORD);
    expect(written).toEqual(all);

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
    tree.delete(OWNERSHIP_RECORD);
    expect(tree).toEqual(next);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // The other soulstones no longer conflict with the removed one.
    for (const text of next.values()) expect(text).not.toContain('soulstone-titan');
    expect(soulstones(fewer).length).toBe(soulstones(codex).length - 1);
  });

  it('refuses a non-empty folder it does not own and changes nothing in it', () => {
    const files = renderGeneration(loadCase('example'));
    const dir = tempDir();
    // What a clone or the user's own unit folder holds: names the generation also uses, and others.
    const theirs: Record<string, string> = {
      'package.json': '{}',
      'mine.container': '[Container]\n',
      '.hidden/x.yaml': 'a: 1\n',
      'lychd.pod': '[Pod]\n',
    };
    for (const [rel, text] of Object.entries(theirs)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    expect(() => writeGeneration(files, dir)).toThrow(/is not empty and holds no generation written by the Forge/);
    expect(readTree(dir)).toEqual(new Map(Object.entries(theirs).sort(([a], [b]) => (a < b ? -1 : 1))));
  });

  it('removes only files it recorded, never a file of the user added later or reached through a link', () => {
    const codex = loadCase('example');
    const dir = tempDir();
    writeGeneration(renderGeneration(codex), dir);
    mkdirSync(join(dir, 'own'));
    writeFileSync(join(dir, 'own', 'keep.container'), 'mine');
    writeFileSync(join(dir, 'extra.json'), '{}');
    // A recorded folder replaced by a link into someone else's files: the file behind it stays.
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'prometheus.yml'), 'theirs');
    rmSync(join(dir, 'harvester'), { recursive: true });
    symlinkSync(elsewhere, join(dir, 'harvester'));
    const next = new Map([...renderGeneration(codex)].filter(([f]) => !f.startsWith('harvester/')));
    writeGeneration(next, dir);
    expect(readFileSync(join(dir, 'own', 'keep.container'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'extra.json'))).toBe(true);
    expect(readFileSync(join(elsewhere, 'prometheus.yml'), 'utf8')).toBe('theirs');
    expect(JSON.parse(readFileSync(join(dir, OWNERSHIP_RECORD), 'utf8'))).toEqual({ files: [...next.keys()] });
  });

  it('never writes through a link placed where a generated folder was', () => {
    const codex = loadCase('example');
    const dir = tempDir();
    writeGeneration(renderGeneration(codex), dir);
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'prometheus.yml'), 'theirs');
    rmSync(join(dir, 'harvester'), { recursive: true });
    symlinkSync(elsewhere, join(dir, 'harvester'));
    expect(() => writeGeneration(renderGeneration(codex), dir)).toThrow(
      /already holds harvester\/prometheus\.yml, not written by the Forge \(or reached through a link\)/,
    );
    expect(readFileSync(join(elsewhere, 'prometheus.yml'), 'utf8')).toBe('theirs');
  });

  it('refuses to overwrite a file of the user in a folder it owns', () => {
    const dir = tempDir();
    writeGeneration(new Map([['a.container', 'x']]), dir);
    writeFileSync(join(dir, 'b.container'), 'mine');
    expect(() =>
      writeGeneration(
        new Map([
          ['a.container', 'y'],
          ['b.container', 'z'],
        ]),
        dir,
      ),
    ).toThrow(/already holds b\.container, not written by the Forge/);
    expect(readFileSync(join(dir, 'b.container'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'a.container'), 'utf8')).toBe('x');
  });

  it('refuses file names that leave the folder', () => {
    expect(() => writeGeneration(new Map([['../escape.container', '']]), tempDir())).toThrow(ScribeError);
  });
});

describe('assembleGeneration', () => {
  it('refuses a file from two pieces and two files that become one service', () => {
    expect(() => assembleGeneration([new Map([['a.container', 'x']]), new Map([['a.container', 'y']])])).toThrow(
      /a\.container is generated twice/,
    );
    expect(() =>
      assembleGeneration([
        new Map([
          ['lychd.pod', 'x'],
          ['lychd-pod.container', 'y'],
        ]),
      ]),
    ).toThrow(/would both become lychd-pod\.service/);
    expect([...assembleGeneration([new Map([['b.container', '']]), new Map([['a.container', '']])]).keys()]).toEqual([
      'a.container',
      'b.container',
    ]);
  });
});
