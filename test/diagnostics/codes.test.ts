import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../tools/src/diagnostics';
import { errorReference } from '../../tools/src/diagnostics/reference';
import { WORKSPACE } from '../support/codex-fixture';

const CODE = /LYCHD\d{3}/g;

function filesUnder(dir: string, ext: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every code written in the files, with the files that write it. */
function codesIn(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files)
    for (const [code] of fs.readFileSync(file, 'utf8').matchAll(CODE))
      found.set(code, [...(found.get(code) ?? []), path.relative(WORKSPACE, file)]);
  return found;
}

describe('the registry of codes (tools/src/diagnostics/codes.ts)', () => {
  // The registry itself and the page made from it (its example) do not count as reporting a code.
  const own = ['codes.ts', 'reference.ts'].map((f) => path.join(WORKSPACE, 'tools/src/diagnostics', f));
  const sources = filesUnder(path.join(WORKSPACE, 'tools/src'), '.ts').filter((f) => !own.includes(f));

  it('has every code reported somewhere in the sources: none is listed for nothing', () => {
    const used = codesIn(sources);
    expect(Object.keys(CODES).filter((c) => !used.has(c))).toEqual([]);
  });

  it('holds every code the sources, the README and the docs name', () => {
    const docs = [path.join(WORKSPACE, 'README.md'), ...filesUnder(path.join(WORKSPACE, 'docs'), '.md')];
    const named = codesIn([...sources, ...docs]);
    expect([...named].filter(([code]) => !(code in CODES))).toEqual([]);
  });

  it('gives each code a title of its own and something to do', () => {
    const titles = Object.values(CODES).map((c) => c.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const [code, info] of Object.entries(CODES)) expect(info.todo.length, code).toBeGreaterThan(10);
  });

  it('is what docs/errors.md lists (npx lychd-forge schemas writes it)', () => {
    expect(fs.readFileSync(path.join(WORKSPACE, 'docs/errors.md'), 'utf8')).toBe(errorReference());
  });
});
