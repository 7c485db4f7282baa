import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TREE_FILE_BYTES, treeSha256 } from '../../tools/src/artifacts/tree';
import { forge, type Ran } from '../support/run';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';
import { tempDir } from '../support/temp';

/**
 * The one tree rule (artifacts/tree.ts), through the real command line in a copy of the workspace:
 * what an extension may hold is checked by `validate`, `synthesize` and `image` alike, before any
 * tool runs or anything is built, and a refusal names the file (and a link's target) without
 * ever reading it.
 */
const SECRET = `outside-secret-${process.pid}-do-not-copy`;
const SRC = 'extensions/atelier/src/atelier';

let ws: WorkspaceCopy;
let outside: string;
const added: string[] = [];

beforeAll(() => {
  ws = copyWorkspace();
  outside = tempDir('lychd-outside-');
  fs.writeFileSync(path.join(outside, 'secret.txt'), `${SECRET}\n`);
});
afterEach(() => {
  for (const rel of added.splice(0)) fs.rmSync(path.join(ws.root, rel), { recursive: true, force: true });
});

const at = (rel: string) => {
  added.push(rel);
  return path.join(ws.root, rel);
};
const run = (...args: string[]): Ran => forge(args, { cwd: ws.root });

/** Exit 1, the file and the words named, no stack trace, no raw control character, no secret. */
function expectRefused(r: Ran, file: string, words: RegExp): void {
  expect(r.status, r.stdout + r.stderr).toBe(1);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(words);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|TypeError|ENOENT|ELOOP|EISDIR/);
  // eslint-disable-next-line no-control-regex
  expect(r.stderr + r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  expect(r.stderr + r.stdout).not.toContain(SECRET);
}

describe('what an extension may hold, checked by validate, synthesize and image alike', () => {
  it('a link to a file outside the workspace: refused, naming the file and the target, before anything is built', () => {
    const target = path.join(outside, 'secret.txt');
    fs.symlinkSync(target, at(`${SRC}/shadow.txt`));
    const words = new RegExp(`is a symbolic link to "${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", outside the component`);
    expectRefused(run('validate'), `${SRC}/shadow.txt`, words);
    expectRefused(run('synthesize'), `${SRC}/shadow.txt`, words);
    const image = run('image');
    expectRefused(image, `${SRC}/shadow.txt`, words);
    expect(image.stderr).toContain('nothing was built');
    // Refused before the base, the context or the buildah store was made.
    expect(fs.existsSync(path.join(ws.root, 'tmp/forge'))).toBe(false);
    expect(fs.existsSync(path.join(ws.root, 'dist/forge/image'))).toBe(false);
  });

  it('a link inside the extension, to a file and to a folder: refused, one rule (never links)', () => {
    fs.symlinkSync('__init__.py', at(`${SRC}/alias.py`));
    fs.symlinkSync('..', at(`${SRC}/up`));
    const r = run('validate');
    expectRefused(
      r,
      `${SRC}/alias.py`,
      /is a symbolic link to "__init__.py", which is a file; a component holds plain files and folders only, never links/,
    );
    expect(r.stderr).toMatch(/src\/atelier\/up:.*is a symbolic link to "\.\.", which is a folder/);
    expect(r.stderr).toContain('replace the link with a copy of what it points to, or delete it');
  });

  it('a dangling link and a loop of links: refused with what they point to', () => {
    fs.symlinkSync('gone.txt', at(`${SRC}/dangling.txt`));
    fs.symlinkSync('loop', at(`${SRC}/loop`));
    const r = run('synthesize');
    expectRefused(r, `${SRC}/dangling.txt`, /is a symbolic link to "gone.txt", which is nothing \(the target does not exist\)/);
    expect(r.stderr).toMatch(/src\/atelier\/loop:.*is a symbolic link to "loop", which is itself \(a loop of links\)/);
  });

  it('a fifo: refused, never opened', () => {
    expect(spawnSync('mkfifo', [at(`${SRC}/pipe`)]).status).toBe(0);
    expectRefused(run('validate'), `${SRC}/pipe`, /is a fifo \(named pipe\); a component holds plain files and folders only/);
  });

  it('a file over the size limit: refused with its size, never read', () => {
    const big = at(`${SRC}/huge.bin`);
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_TREE_FILE_BYTES + 1); // sparse: no disk used
    expectRefused(run('validate'), `${SRC}/huge.bin`, /is 1073741825 bytes; a file in a component may hold at most 1073741824 bytes/);
  });

  it('a newline in a file name: refused, the name shown escaped', () => {
    fs.writeFileSync(at(`${SRC}/evil\nname.py`), 'x = 1\n');
    expectRefused(run('validate'), `${SRC}/evil\\nname.py`, /has a control character in its name \("evil\\nname.py"\)/);
  });
});

describe("an extension's rune family schema", () => {
  const SCHEMA = 'extensions/scriptorium/schemas/codices.schema.json';
  let kept: Buffer;
  beforeAll(() => (kept = fs.readFileSync(path.join(ws.root, SCHEMA))));
  afterEach(() => {
    fs.rmSync(path.join(ws.root, SCHEMA), { force: true });
    fs.writeFileSync(path.join(ws.root, SCHEMA), kept);
  });

  it('that is a link to a host file is refused, naming the target, never read or echoed', () => {
    fs.rmSync(path.join(ws.root, SCHEMA));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws.root, SCHEMA));
    const r = run('validate');
    expectRefused(r, SCHEMA, /is a symbolic link to ".*secret\.txt"; a schema is a plain file, never a link/);
  });

  it('that is not JSON is reported without its content', () => {
    // V8's own message quotes the first ten characters: none of them may reach the terminal.
    fs.writeFileSync(path.join(ws.root, SCHEMA), 'QZX7: not json\n');
    const r = run('validate');
    expectRefused(r, SCHEMA, /is not valid JSON/);
    expect(r.stderr).not.toContain('QZX7');
  });
});

describe('treeSha256', () => {
  const trees = tempDir('lychd-trees-');
  afterAll(() => fs.rmSync(trees, { recursive: true, force: true }));
  const tree = (name: string, files: Record<string, string>, modes: Record<string, number> = {}) => {
    const root = path.join(trees, name);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
      fs.chmodSync(path.join(root, rel), modes[rel] ?? 0o644);
    }
    return root;
  };
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('tells apart two trees whose names would spell the same lines', () => {
    // Two files a and b, and one file whose name holds a newline and the second line.
    const two = tree('two', { a: 'A', b: 'B' });
    const one = tree('one', { [`a\n${sha('B')}  b`]: 'A' });
    expect(treeSha256(one)).not.toBe(treeSha256(two));
  });

  it('covers the mode that is copied, reduced to 0644 or 0755', () => {
    const plain = tree('plain', { 'run.sh': 'echo\n' });
    const exec = tree('exec', { 'run.sh': 'echo\n' }, { 'run.sh': 0o755 });
    const groupWritable = tree('group', { 'run.sh': 'echo\n' }, { 'run.sh': 0o664 });
    expect(treeSha256(exec)).not.toBe(treeSha256(plain));
    expect(treeSha256(groupWritable)).toBe(treeSha256(plain));
  });
});
