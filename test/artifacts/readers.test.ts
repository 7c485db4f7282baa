import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBaseRecord } from '../../tools/src/artifacts/base-record';
import { readCodexFacts, readRuneFacts, readRuneUnits } from '../../tools/src/tasks/output-readers';
import { OWNERSHIP_RECORD, readGenerationRecord } from '../../tools/src/artifacts/generation-record';
import { ForgeError, type Diagnostic } from '../../tools/src/diagnostics';
import { federationState, FEDERATION_SOURCES_FILE, writeFederationSources } from '../../tools/src/federation/sources';
import { renderSoulstones, soulstoneRoster, writeGeneration } from '../../tools/src/scribe';
import { canonicalJson } from '../../tools/src/shared/digest';
import { factFiles } from '../../tools/src/tasks/facts';
import { CASES, loadCase } from '../scribe/helpers';
import { tempDir } from '../support/temp';

/**
 * Every JSON artifact a task or command reads back goes through one checked reader: a file that is
 * cut short, of another kind, with a field of the wrong type, or a link in its place is a
 * diagnostic with a code, the file, the field and what to run; never a TypeError further on.
 */
const dir = tempDir('lychd-readers-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const example = loadCase('example');
const context = factFiles(example, path.dirname(example.root), soulstoneRoster(example));

const generationDir = path.join(dir, 'generation');
writeGeneration(renderSoulstones(example), generationDir);

interface Reader {
  read: (file: string) => unknown;
  /** What its writer writes. */
  good: string;
  /** A field set to a value of the wrong type, and the field as the diagnostic names it. */
  wrongField: [field: string, damage: (value: Record<string, unknown>) => void];
  /** What the diagnostic tells the user to do. */
  hint: RegExp;
}

const READERS: Record<string, Reader> = {
  'the base record': {
    read: (file) => readBaseRecord(file),
    good: canonicalJson({ kind: 'debian', ref: 'bookworm', digest: `sha256:${'a'.repeat(64)}`, python: '3.11' }),
    wrongField: ['digest', (v) => (v['digest'] = 'md5:0')],
    hint: /npx nx run forge:base/,
  },
  "the Codex's facts": {
    read: (file) => readCodexFacts(file),
    good: context.get('secrets.json')!,
    wrongField: ['runes[0].kind', (v) => ((v['runes'] as Record<string, unknown>[])[0]!['kind'] = 'golem')],
    hint: /npx nx run codex:context --skip-nx-cache/,
  },
  "the rune folders' facts": {
    read: (file) => readRuneFacts(file),
    good: context.get('scribe-context.json')!,
    wrongField: ['soulstones[0].groups', (v) => ((v['soulstones'] as Record<string, unknown>[])[0]!['groups'] = 'all')],
    hint: /npx nx run codex:context --skip-nx-cache/,
  },
  "a rune folder's units": {
    read: (file) => readRuneUnits(file),
    good: canonicalJson(Object.fromEntries(renderSoulstones(example))),
    wrongField: ['soulstone-titan.container', (v) => (v['soulstone-titan.container'] = 42)],
    hint: /scribe --skip-nx-cache/,
  },
  "the generation's record": {
    read: (file) => readGenerationRecord(file, generationDir),
    good: fs.readFileSync(path.join(generationDir, OWNERSHIP_RECORD), 'utf8'),
    wrongField: ['files[1]', (v) => ((v['files'] as string[])[1] = '../../.bashrc')],
    hint: /remove it only if every file it lists in \S+ is a generated one/,
  },
};

/** The problems reading `text` as the artifact gives: none when it reads. */
function problems(reader: Reader, text: string, as = 'artifact.json'): Diagnostic[] {
  const file = path.join(dir, as);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text);
  try {
    reader.read(file);
    return [];
  } catch (e) {
    if (!(e instanceof ForgeError)) throw e;
    return e.diagnostics;
  }
}

describe.each(Object.entries(READERS))('%s', (_, reader) => {
  it('reads what its writer writes', () => {
    expect(problems(reader, reader.good)).toEqual([]);
  });

  it('names a damaged file, and what to run, without quoting it', () => {
    const [d] = problems(reader, reader.good.slice(0, Math.floor(reader.good.length / 2)));
    expect(d).toMatchObject({ severity: 'error', code: 'LYCHD804', message: 'is not valid JSON: it ends too early (cut short?)' });
    expect(d!.hint).toMatch(reader.hint);
    expect(JSON.stringify(d)).not.toContain(reader.good.slice(5, 40));
  });

  it('names the field of the wrong type', () => {
    const value = JSON.parse(reader.good) as Record<string, unknown>;
    const [field, damage] = reader.wrongField;
    damage(value);
    const found = problems(reader, JSON.stringify(value, null, 2));
    expect(found.map((d) => [d.code, d.field])).toEqual([['LYCHD804', field]]);
    expect(found[0]!.line).toBeGreaterThan(1);
    expect(found[0]!.hint).toMatch(reader.hint);
  });

  it('refuses a file of another kind or format in its place', () => {
    const found = problems(reader, JSON.stringify({ formatVersion: 1, files: 'forge/synthesis.lock.json', units: [] }));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.code === 'LYCHD804')).toBe(true);
    expect(problems(reader, '[]\n').map((d) => d.message)).toEqual([expect.stringMatching(/^is not .+: its JSON is an array$/)]);
  });

  it('refuses a link in its place, whatever it points at', () => {
    const target = path.join(dir, 'elsewhere.json');
    fs.writeFileSync(target, reader.good);
    const link = path.join(dir, 'linked.json');
    fs.rmSync(link, { force: true });
    fs.symlinkSync(target, link);
    expect(() => reader.read(link)).toThrow(ForgeError);
    try {
      reader.read(link);
    } catch (e) {
      expect((e as ForgeError).diagnostics).toMatchObject([{ code: 'LYCHD804', message: expect.stringContaining('is a symbolic link') }]);
    }
  });
});

describe('every facts file codex:context writes, for every fixture Codex, reads back as what it wrote', () => {
  it.each(CASES)('%s', (name) => {
    const codex = loadCase(name);
    const files = factFiles(codex, path.dirname(codex.root), soulstoneRoster(codex));
    for (const [file, text] of files) {
      if (file === 'forge.json') continue;
      const at = path.join(dir, `${name}-${file}`);
      fs.writeFileSync(at, text);
      const read = file === 'scribe-context.json' ? readRuneFacts(at) : readCodexFacts(at);
      expect(canonicalJson(read), file).toBe(text);
    }
  });
});

describe('the federation sources record', () => {
  // Read on every graph computation, so never a throw: a record of another format, or a damaged
  // one, only makes `federate` run again, which rewrites it.
  const root = path.join(dir, 'workspace');
  const folders = { codexDir: 'codex', extensionsDir: 'extensions' };
  fs.mkdirSync(path.join(root, 'core/src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'core/src/hooks.py'), 'x = 1\n');
  fs.mkdirSync(path.join(root, 'forge'), { recursive: true });
  fs.writeFileSync(path.join(root, 'forge/federation.json'), '{}');
  const record = path.join(root, FEDERATION_SOURCES_FILE);

  it.each([
    ['of another format', (good: Record<string, unknown>) => JSON.stringify({ ...good, formatVersion: 2 })],
    ['without a format', (good: Record<string, unknown>) => JSON.stringify({ sources: good['sources'] })],
    ['null', () => 'null'],
    ['cut short', (good: Record<string, unknown>) => JSON.stringify(good).slice(0, 20)],
  ])('is stale when it is %s', (_, damage) => {
    writeFederationSources(root, folders, 'core');
    expect(federationState(root, folders, 'core')).toEqual({ state: 'current' });
    fs.writeFileSync(record, damage(JSON.parse(fs.readFileSync(record, 'utf8')) as Record<string, unknown>));
    expect(federationState(root, folders, 'core')).toEqual({ state: 'stale', changed: [FEDERATION_SOURCES_FILE] });
  });
});

describe("the generation's record, as the Scribe writes beside it", () => {
  it('is refused when it is a link, and nothing is written', () => {
    const out = path.join(dir, 'linked-generation');
    writeGeneration(renderSoulstones(example), out);
    const record = path.join(out, OWNERSHIP_RECORD);
    fs.renameSync(record, path.join(dir, 'kept-record'));
    fs.symlinkSync(path.join(dir, 'kept-record'), record);
    const before = fs.readdirSync(out).sort();
    expect(() => writeGeneration(new Map([['other.container', '[Container]\n']]), out)).toThrow(/is a symbolic link/);
    expect(fs.readdirSync(out).sort()).toEqual(before);
  });
});
