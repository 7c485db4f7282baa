import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExampleCodex, WORKSPACE } from '../support/codex-fixture';
import { forge, printed, type Ran } from '../support/run';
import { tempDir } from '../support/temp';

// Any control character but the line break: what could move the cursor, retitle or clear the terminal.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\u202e';

/** Nothing unescaped reached either stream, and the hostile text is there, made visible. */
function expectEscaped(r: Ran): void {
  expect(`${r.stdout}${r.stderr}`).not.toMatch(RAW_CONTROL);
  expect(`${r.stdout}${r.stderr}`).toContain('\\u{001b}]0;pwned\\u{0007}\\u{001b}[2J\\u{202e}');
}

describe('the one printer escapes everything either front-end prints', () => {
  it('a drifted Binding Site with a hostile line and a hostile file name: bind --check and quadlets:bind-check', () => {
    const codexDir = copyExampleCodex();
    const ext = ['--extensions', path.join(WORKSPACE, 'extensions')];
    const root = tempDir('lychd-hostile-out-');
    const site = path.join(root, 'config', 'containers', 'systemd');
    expect(forge(['scribe', '--codex', codexDir, ...ext, '--out', path.join(root, 'generation')]).status).toBe(0);
    expect(forge(['bind', '--codex', codexDir, ...ext, '--binding-site', site]).status).toBe(0);
    fs.appendFileSync(path.join(site, 'lychd', 'lychd.pod'), `# ${HOSTILE}\n`);
    fs.writeFileSync(path.join(site, 'lychd', `evil${HOSTILE}.container`), `# ${HOSTILE}\n`);

    const cli = forge(['bind', '--check', '--codex', codexDir, ...ext, '--binding-site', site]);
    expect(cli.status).toBe(1);
    expectEscaped(cli);

    const task = spawnSync(
      process.execPath,
      [
        path.join(WORKSPACE, 'tools/bin/forge-task.js'),
        'bind',
        JSON.stringify({ generationDir: 'generation', facts: 'unused', check: true }),
      ],
      { cwd: root, env: { ...process.env, LYCHD_BINDING_SITE: site }, encoding: 'utf8' },
    );
    expect(task.status, task.stderr).toBe(1);
    expectEscaped({ status: task.status, stdout: task.stdout, stderr: task.stderr });
    expect(task.stderr).toMatch(/^.* differs from what the Codex produces; run `lychd-forge bind`$/m);
  });

  it('every part of an outcome: diagnostic, line, drift, summary', () => {
    const r = printed({
      ok: false,
      diagnostics: [{ severity: 'error', code: 'LYCHD900', file: `a${HOSTILE}.toml`, message: HOSTILE }],
      lines: [`wrote ${HOSTILE}`],
      drift: [{ file: `b${HOSTILE}`, reason: HOSTILE, diff: `--- a\n+++ b\n-${HOSTILE}\n+x\n` }],
      summary: HOSTILE,
    });
    expect(r.status).toBe(1);
    expectEscaped(r);
    expect(r.stderr.split('\n').filter((l) => l.includes('pwned'))).toHaveLength(4);
    expect(r.stdout.split('\n').filter((l) => l.includes('pwned'))).toHaveLength(1);
  });
});
