import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forge } from '../support/run';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';

/**
 * A committed JSON artifact that is damaged (a bad merge, a cut-short write, a hand edit) gets a
 * diagnostic naming the file, where, and the command that writes it afresh: never a TypeError, a
 * parser's quote of the file, or a stack trace.
 */
let ws: WorkspaceCopy;
beforeAll(() => {
  ws = copyWorkspace();
});
afterAll(() => fs.rmSync(ws.root, { recursive: true, force: true }));

const FEDERATION = 'forge/federation.json';
const MANIFEST = 'forge/synthesis.lock.json';

function damaged(file: string, kinds: Record<string, (good: string) => string>, commands: string[][], expectations: RegExp[]) {
  for (const [kind, damage] of Object.entries(kinds))
    it(`${file} ${kind}`, () => {
      const good = ws.read(file);
      ws.write(file, damage(good));
      try {
        for (const args of commands) {
          const r = forge(args, { cwd: ws.root });
          expect(r.status, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(1);
          expect(r.stderr).not.toMatch(/TypeError|Cannot read properties|LYCHD_DEBUG|\n\s+at /);
          for (const e of expectations) expect(r.stderr, args.join(' ')).toMatch(e);
        }
      } finally {
        ws.write(file, good);
      }
    });
}

const conflict = (good: string) => `<<<<<<< HEAD\n${good}=======\n${good}>>>>>>> theirs\n`;

describe('a damaged federation record', () => {
  damaged(
    FEDERATION,
    {
      'is null': () => 'null\n',
      'is cut short': (good) => good.slice(0, 120),
      'holds a merge conflict': conflict,
      'is from a newer Forge': (good) => JSON.stringify({ ...JSON.parse(good), formatVersion: 2 }),
    },
    [['validate'], ['scribe', '--out', path.join('tmp', 'units')]],
    [/forge\/federation\.json(:\d+:\d+)?: error\[LYCHD804\]: /, /lychd-forge federate/],
  );

  it('names the line and column of a cut-short file, and never quotes its text', () => {
    const good = ws.read(FEDERATION);
    ws.write(FEDERATION, `${good.slice(0, 60)}`);
    try {
      const r = forge(['validate'], { cwd: ws.root });
      expect(r.stderr).toMatch(/forge\/federation\.json:\d+:\d+: error\[LYCHD804\]: is not valid JSON: it ends too early/);
      expect(r.stderr).not.toContain(good.slice(0, 30));
    } finally {
      ws.write(FEDERATION, good);
    }
  });
});

describe('a damaged Synthesis Manifest', () => {
  damaged(
    MANIFEST,
    {
      'is null': () => 'null\n',
      'is cut short': (good) => good.slice(0, 200),
      'holds a merge conflict': conflict,
      'has a component with no name': (good) => {
        const m = JSON.parse(good);
        delete m.components[0].name;
        return JSON.stringify(m, null, 2);
      },
    },
    [['flake'], ['containerfile']],
    [/forge\/synthesis\.lock\.json(:\d+:\d+)?: error\[LYCHD804\]: /, /lychd-forge synthesize/],
  );
});
