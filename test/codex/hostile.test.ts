import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeForTerminal, loadCodex } from '../../tools/src/codex';
import { scribeRunes } from '../../tools/src/tasks/scribe-runes';
import { soulstoneRoster } from '../../tools/src/scribe';
import { discoverExtensions, type SynthesisError } from '../../tools/src/synthesis';
import { copyExampleCodex, WORKSPACE } from '../support/codex-fixture';
import { forge } from '../support/run';

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

const VLLM = 'runes/animator/soulstones/vllm';
const RUNE = `${VLLM}/private_runtime.toml`;

/** A copy of the example Codex with one rune file rewritten (the first line is the rune's `name`). */
function codexWith(edit: (codexDir: string) => void): string {
  const codexDir = copyExampleCodex();
  made.push(path.dirname(codexDir));
  // The scriptorium's rune family is declared by its register hook, which these loads do not read.
  fs.rmSync(path.join(codexDir, 'runes/scriptorium'), { recursive: true });
  edit(codexDir);
  return codexDir;
}
const prepend = (codexDir: string, text: string | Buffer) => {
  const file = path.join(codexDir, RUNE);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(text), fs.readFileSync(file)]));
};
const validate = (codexDir: string) =>
  forge(['validate', '--codex', codexDir, '--extensions', path.join(WORKSPACE, 'extensions')], { cwd: path.dirname(codexDir) });

/** Exit 1, every problem as `file:line:col: error:`, no stack trace, nothing that drives a terminal. */
function expectDiagnostic(r: { status: number | null; stdout: string; stderr: string }, where: RegExp, what: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).toMatch(where);
  expect(r.stderr).toMatch(what);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|RangeError|TypeError/);
  // eslint-disable-next-line no-control-regex
  expect(r.stderr + r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
}

describe('hostile Codex input gets a diagnostic, never a crash', () => {
  it('a string value of 130,000 characters, and one just over the description limit', () => {
    const huge = codexWith((c) => prepend(c, `description = "${'a'.repeat(130_000)}"\n`));
    expectDiagnostic(validate(huge), new RegExp(`${RUNE}:1:1: error\\[LYCHD101\\]:`), /at most 65536 bytes/);
    const long = codexWith((c) => {
      const file = path.join(c, RUNE);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^description = .*$/m, `description = "${'d'.repeat(600)}"`));
    });
    expectDiagnostic(validate(long), new RegExp(`${RUNE}:2:15: error\\[LYCHD105\\]:`), /at most 512 characters/);
  });

  it('arrays and inline tables nested thousands deep', () => {
    const arrays = codexWith((c) => prepend(c, `x = ${'['.repeat(5000)}${']'.repeat(5000)}\n`));
    expectDiagnostic(validate(arrays), new RegExp(`${RUNE}:1:37: error\\[LYCHD102\\]:`), /nested more than 32 deep/);
    const tables = codexWith((c) => prepend(c, `x = ${'{a='.repeat(5000)}1${'}'.repeat(5000)}\n`));
    expectDiagnostic(validate(tables), new RegExp(`${RUNE}:1:\\d+: error\\[LYCHD102\\]:`), /nested more than 32 deep/);
  });

  it('a symlink loop, a dangling symlink and a symlinked rune file under runes/', () => {
    const links = codexWith((c) => {
      fs.symlinkSync('loop', path.join(c, VLLM, 'loop'));
      fs.symlinkSync('/nonexistent/x.toml', path.join(c, VLLM, 'dangling.toml'));
      fs.renameSync(path.join(c, RUNE), path.join(c, 'kept.toml'));
      fs.symlinkSync('../../../../kept.toml', path.join(c, RUNE));
    });
    const r = validate(links);
    expectDiagnostic(
      r,
      new RegExp(`${VLLM}/loop:1:1: error\\[LYCHD101\\]: is a symbolic link`),
      new RegExp(`${VLLM}/dangling.toml:1:1: error\\[LYCHD101\\]: is a symbolic link \\(to "/nonexistent/x.toml"\\)`),
    );
    expect(r.stderr).toMatch(new RegExp(`${RUNE}:1:1: error\\[LYCHD101\\]: is a symbolic link`));
  });

  it('invalid UTF-8, naming the byte offset', () => {
    const bad = codexWith((c) => prepend(c, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')])));
    expectDiagnostic(validate(bad), new RegExp(`${RUNE}:1:6: error\\[LYCHD101\\]:`), /not valid UTF-8: byte 5 \(0xc3\)/);
  });

  it('keys that would drive the terminal are printed escaped', () => {
    const keys = codexWith((c) => prepend(c, '"\\u001b[2J\\u001b[H" = 1\n"\\u009b31m" = 2\n'));
    const r = validate(keys);
    expectDiagnostic(r, new RegExp(`${RUNE}:1:1: error\\[LYCHD103\\]: unknown field`), /\\u\{001b\}\[2J\\u\{001b\}\[H/);
    expect(r.stderr).toMatch(/\\u\{009b\}31m/);
  });

  it('an unreadable rune file and folder (checked as an unprivileged user)', () => {
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
    if (process.getuid?.() !== 0 || !setpriv) {
      // Without root the test user itself cannot be denied its own files' modes reliably; say so.
      console.warn('unreadable-file check needs root and setpriv to run as nobody');
      return;
    }
    const codexDir = codexWith((c) => {
      fs.chmodSync(path.join(c, RUNE), 0o000);
      fs.mkdirSync(path.join(c, 'runes/animator/soulstones/generic/locked'));
      fs.chmodSync(path.join(c, 'runes/animator/soulstones/generic/locked'), 0o000);
    });
    fs.chmodSync(path.dirname(codexDir), 0o755);
    // nobody needs a home of its own for the TypeScript loader's cache.
    const home = path.join(path.dirname(codexDir), 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    fs.chownSync(home, 65534, 65534);
    const r = spawnSync(
      setpriv,
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        path.join(WORKSPACE, 'tools/bin/lychd-forge.js'),
        'validate',
        '--codex',
        codexDir,
        '--extensions',
        path.join(WORKSPACE, 'extensions'),
      ],
      {
        encoding: 'utf8',
        cwd: path.dirname(codexDir),
        env: { PATH: process.env['PATH'], HOME: home },
      },
    );
    expectDiagnostic(
      { status: r.status, stdout: r.stdout, stderr: r.stderr },
      new RegExp(`${RUNE}:1:1: error\\[LYCHD101\\]: cannot be read: permission denied`),
      /generic\/locked:1:1: error\[LYCHD101\]: cannot be read: permission denied/,
    );
  });

  it('a missing tool is a message saying how to install it, not a stack trace', () => {
    const r = forge(['synthesize', '--check'], { env: { LYCHD_UV: '/nonexistent/uv' } });
    expectDiagnostic({ ...r, stderr: `${r.stderr}` }, /uv not found \(LYCHD_UV is not an executable file\)/, /set LYCHD_UV to its path/);
  });
});

describe('one Codex, whatever reads it', () => {
  it('the command line and the Nx rune task refuse a symlinked rune file alike', () => {
    const codexDir = codexWith(() => undefined);
    const root = path.dirname(codexDir);
    const facts = { ...soulstoneRoster(loadCodex({ codexDir, extensionsDir: path.join(WORKSPACE, 'extensions') }).codex!), extensions: [] };
    fs.copyFileSync(path.join(codexDir, RUNE), path.join(root, 'elsewhere.toml'));
    fs.rmSync(path.join(codexDir, RUNE));
    fs.symlinkSync(path.join(root, 'elsewhere.toml'), path.join(codexDir, RUNE));

    const cli = loadCodex({ codexDir, extensionsDir: path.join(WORKSPACE, 'extensions') });
    const cliProblems = cli.diagnostics.filter((d) => d.severity === 'error').map((d) => `${path.relative(root, d.file)}: ${d.message}`);
    const logged: string[] = [];
    const options = {
      folder: `codex/${VLLM}`,
      codexDir: 'codex',
      extensionsDir: 'extensions',
      facts: 'unused',
      outputFile: 'out/vllm.json',
    };
    expect(scribeRunes(options, root, facts, (l) => logged.push(l))).toBe(false);
    expect(cli.codex).toBeUndefined();
    expect(cliProblems).toEqual([
      `codex/${RUNE}: is a symbolic link (to ${JSON.stringify(path.join(root, 'elsewhere.toml'))}); the Codex holds plain files and folders only`,
    ]);
    expect(logged.map((l) => l.replace(/:1:1: error\[LYCHD\d+\]: /, ': ').replace(/\n {2}hint: [\s\S]*$/, ''))).toEqual(cliProblems);
    expect(fs.existsSync(path.join(root, 'out'))).toBe(false);
  });
});

describe('one definition of an extension and its name', () => {
  it('an extension folder with an invalid name is an error for the loader and the synthesis, not half used', () => {
    const root = path.dirname(codexWith(() => undefined));
    fs.cpSync(path.join(WORKSPACE, 'extensions'), path.join(root, 'extensions'), { recursive: true });
    fs.renameSync(path.join(root, 'extensions/oracle'), path.join(root, 'extensions/My_Ext'));
    const loaded = loadCodex({ codexDir: path.join(root, 'codex'), extensionsDir: path.join(root, 'extensions') });
    expect(loaded.codex).toBeUndefined();
    expect(
      loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${path.relative(root, d.file)}:${d.line}: ${d.message}`),
    ).toEqual([
      'extensions/My_Ext/pyproject.toml:1: extension folder "My_Ext" is not a valid extension name: 1-50 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit',
    ]);
    let problems: string[] = [];
    try {
      discoverExtensions(root);
    } catch (e) {
      problems = (e as SynthesisError).problems.map((p) => `${p.file}: ${p.message}`);
    }
    expect(problems).toEqual([
      'extensions/My_Ext/pyproject.toml: extension folder "My_Ext" is not a valid extension name: 1-50 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit',
    ]);
  });
});

describe('a link in the extensions folder', () => {
  it('is refused by the loader and the synthesis alike, not followed by one and skipped by the other', () => {
    const root = path.dirname(codexWith(() => undefined));
    fs.mkdirSync(path.join(root, 'extensions'));
    fs.cpSync(path.join(WORKSPACE, 'extensions/oracle'), path.join(root, 'elsewhere/oracle'), { recursive: true });
    fs.symlinkSync(path.join(root, 'elsewhere/oracle'), path.join(root, 'extensions/oracle'));
    const loaded = loadCodex({ codexDir: path.join(root, 'codex'), extensionsDir: path.join(root, 'extensions') });
    expect(loaded.codex).toBeUndefined();
    expect(loaded.diagnostics.map((d) => `${path.relative(root, d.file)}: ${d.message}`)).toEqual([
      `extensions/oracle: is a symbolic link (to ${JSON.stringify(path.join(root, 'elsewhere/oracle'))}); the Codex holds plain files and folders only`,
    ]);
    expect(() => discoverExtensions(root)).toThrow(/extensions\/oracle.*is a symbolic link; an extension is a plain folder/s);
  });
});

describe('escapeForTerminal', () => {
  it('makes every control, DEL, C1 and bidi-override character visible, keeping line breaks only when asked', () => {
    const text = 'a\u001b[2J\u009b31m\u007f\u202e\u2066b\rc\nd';
    expect(escapeForTerminal(text)).toBe('a\\u{001b}[2J\\u{009b}31m\\u{007f}\\u{202e}\\u{2066}b\\u{000d}c\\u{000a}d');
    expect(escapeForTerminal(text, { multiline: true })).toBe('a\\u{001b}[2J\\u{009b}31m\\u{007f}\\u{202e}\\u{2066}b\\u{000d}c\nd');
    expect(escapeForTerminal('plain é 日本 text')).toBe('plain é 日本 text');
  });
});
