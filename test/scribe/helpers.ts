import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadCodex, type Codex, type FederationInput } from '../../tools/src/codex';
import { federationInput } from '../../tools/src/codex/registry';
import { writeGeneration } from '../../tools/src/scribe';
import { tempDir as removedAtEnd } from '../support/temp';

export const WORKSPACE = resolve(__dirname, '../..');
export const FIXTURES = join(__dirname, 'fixtures');

/** Golden cases: `example` is the shipped Codex itself, the others live under fixtures/<case>/. */
export const CASES = ['example', 'covens', 'extensions', 'runtimes', 'nasty'] as const;

/** The example is read as the Forge reads it: with what its extensions' hooks registered. */
export function codexDirs(name: string): { codexDir: string; extensionsDir: string; federation?: FederationInput } {
  if (name === 'example')
    return {
      codexDir: join(WORKSPACE, 'codex'),
      extensionsDir: join(WORKSPACE, 'extensions'),
      federation: federationInput(WORKSPACE, join(WORKSPACE, 'extensions')),
    };
  return { codexDir: join(FIXTURES, name, 'codex'), extensionsDir: join(FIXTURES, name, 'extensions') };
}

export function loadCase(name: string): Codex {
  const r = loadCodex(codexDirs(name));
  if (!r.codex) throw new Error(`fixture ${name} does not load:\n${JSON.stringify(r.diagnostics, null, 2)}`);
  return r.codex;
}

export const expectedDir = (name: string): string => join(FIXTURES, name, 'expected');

/** Every file below dir, as relative path → text. */
export function readTree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${e}` : e;
    if (statSync(join(dir, rel)).isDirectory()) for (const [k, v] of readTree(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel), 'utf8'));
  }
  return out;
}

/** A temporary folder, removed when the test file ends (test/support/temp.ts). */
export const tempDir = (): string => removedAtEnd('lychd-scribe-');

/** Writes a generation where the generator will find it, as the Binding Site does: `<units>/lychd/`. */
export function installed(files: Map<string, string>): string {
  const units = tempDir();
  writeGeneration(files, join(units, 'lychd'));
  return units;
}

export const rel = (p: string): string => relative(WORKSPACE, p);

/** A unit file as section → [key, raw value] in file order. */
export function parseUnitText(text: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  let current: [string, string][] | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = [];
      out.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    current!.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return out;
}

export const values = (unit: Map<string, [string, string][]>, section: string, key: string): string[] =>
  (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);

// ---------------------------------------------------------------------------
// systemd's reading of an ExecStart= line (systemd.service(5), "Command lines"):
// specifiers are resolved on the whole line first, then words are split with
// quotes and C escapes, and at exec time `$$`, `${VAR}` and a lone `$VAR` word
// are expanded. Anything that would be expanded shows up as a «marker», so a
// value that escaped badly can never pass for the original.

function specifiers(line: string): string {
  return line.replace(/%(.)/g, (_, c: string) => (c === '%' ? '%' : `«%${c}»`));
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  s: ' ',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

function unescapeAt(s: string, i: number): [string, number] {
  const c = s[i + 1]!;
  if (c in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[c]!, i + 2];
  if (c === 'x') return [String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16)), i + 4];
  if (c === 'u') return [String.fromCodePoint(parseInt(s.slice(i + 2, i + 6), 16)), i + 6];
  if (c === 'U') return [String.fromCodePoint(parseInt(s.slice(i + 2, i + 10), 16)), i + 10];
  if (/[0-7]/.test(c)) return [String.fromCharCode(parseInt(s.slice(i + 1, i + 4), 8)), i + 4];
  throw new Error(`invalid escape \\${c} in ${s}`);
}

function splitWords(s: string): string[] {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) return words;
    let word = '';
    while (i < s.length && !/\s/.test(s[i]!)) {
      const c = s[i]!;
      if (c === '"' || c === "'") {
        i++;
        while (s[i] !== c) {
          if (i >= s.length) throw new Error(`unterminated quote in ${s}`);
          if (s[i] === '\\') {
            const [ch, next] = unescapeAt(s, i);
            word += ch;
            i = next;
          } else word += s[i++];
        }
        i++;
      } else if (c === '\\') {
        const [ch, next] = unescapeAt(s, i);
        word += ch;
        i = next;
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
}

function environment(word: string): string {
  if (word === ';') return '«command separator»';
  if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(word)) return `«$${word.slice(1)}»`;
  return word.replace(/\$\$|\$\{([^}]*)\}/g, (m, name: string | undefined) => (m === '$$' ? '$' : `«\${${name}}»`));
}

/** The argv systemd would run for the `ExecStart=` line of a generated service. */
export function execStartArgv(serviceText: string): string[] {
  const line = serviceText.split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error('no ExecStart= line');
  return splitWords(specifiers(line.slice('ExecStart='.length))).map(environment);
}

/** The values of every `--name value` pair in an argv. */
export function optionValues(argv: string[], name: string): string[] {
  return argv.flatMap((a, i) => (a === name ? [argv[i + 1]!] : []));
}
