import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { soulstones } from '../../tools/src/codex';
import { failure, reportFailure, renderDiagnostic } from '../../tools/src/diagnostics';
import { bind } from '../../tools/src/inscription';
import { renderGeneration } from '../../tools/src/scribe';
import { mergeNode } from '../../tools/src/synthesis';
import { main as runTask } from '../../tools/src/tasks';
import { loadCase } from '../scribe/helpers';
import { forge } from '../support/run';
import { writeWorkspace } from '../synthesis/fixtures';
import { tempDir } from '../support/temp';

const made: string[] = [];
const temp = () => {
  const d = tempDir('lychd-diag-');
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** What the one handler prints for a failure, with `dir` shown as <tmp>. */
function reported(run: () => unknown, dir = '/nonexistent'): string {
  const out: string[] = [];
  try {
    run();
  } catch (e) {
    reportFailure(e, (t) => out.push(t), dir);
  }
  return out.join('\n').replaceAll(dir, '<tmp>');
}

async function reportedAsync(run: () => Promise<unknown>, dir: string): Promise<string> {
  const out: string[] = [];
  await run().catch((e: unknown) => reportFailure(e, (t) => out.push(t), dir));
  return out.join('\n').replaceAll(dir, '<tmp>');
}

describe('one rendering for every stage: what, where, why, how to fix', () => {
  it('a located problem with a field, a reason and a fix', () => {
    expect(
      renderDiagnostic(
        {
          severity: 'error',
          code: 'LYCHD108',
          file: '/w/codex/runes/a.toml',
          line: 3,
          column: 8,
          field: 'port',
          message: 'port 9001 is also used by soulstone b',
          why: 'the pod has one network namespace',
          hint: 'pick a free port',
        },
        '/w',
      ),
    ).toMatchInlineSnapshot(`
      "codex/runes/a.toml:3:8: error[LYCHD108]: port 9001 is also used by soulstone b [port]
        why: the pod has one network namespace
        hint: pick a free port"
    `);
  });

  it('a value the Scribe refuses (what validation reports first)', () => {
    const codex = structuredClone(loadCase('nasty'));
    soulstones(codex)[0]!.config.volumes = ['/srv/100%n:/m'];
    const root = path.resolve(__dirname, '../..');
    expect(reported(() => renderGeneration(codex), root)).toMatchInlineSnapshot(
      `"test/scribe/fixtures/nasty/codex/runes/animator/soulstones/generic/nasty.toml: error[LYCHD401]: "/srv/100%n:/m" may only hold letters, digits and _.:/@+=,- (and start with %h/ or ./) (in Volume= of [Container]) [volumes[0]]"`,
    );
  });

  it('a synthesis conflict: a heading, then each problem with its fix', () => {
    const root = temp();
    writeWorkspace(root, { alpha: { node: { 'tiny-ms': '^1.0.0' } }, beta: { node: { 'tiny-ms': '^2.0.0' } } });
    expect(reported(() => mergeNode(root), root)).toMatchInlineSnapshot(`
      "synthesis failed with 1 problem:
      extensions/beta/package.json: error[LYCHD301]: extension beta needs tiny-ms@"^2.0.0" but extension alpha needs tiny-ms@"^1.0.0" (extensions/alpha/package.json); no version satisfies both ranges [dependencies.tiny-ms]
        hint: change one range so that a single version of tiny-ms satisfies both alpha and beta"
    `);
  });

  it('a Binding Site problem', async () => {
    const root = temp();
    expect(
      await reportedAsync(
        () => bind({ generationDir: path.join(root, 'missing'), bindingSite: path.join(root, 'site'), reload: false }),
        root,
      ),
    ).toMatchInlineSnapshot(`
      "missing: error[LYCHD501]: the generation folder does not exist
        hint: render the Quadlets first (the Scribe's output), then pass that folder"
    `);
  });

  it('a failure nobody foresaw: the message, no stack trace, and how to see one', () => {
    const prior = process.env['LYCHD_DEBUG'];
    delete process.env['LYCHD_DEBUG'];
    try {
      expect(
        reported(() => {
          throw new Error("EACCES: permission denied, open '/x'");
        }),
      ).toMatchInlineSnapshot(`
        "error[LYCHD900]: EACCES: permission denied, open '/x'
          hint: run again with LYCHD_DEBUG=1 to see where it happened"
      `);
    } finally {
      if (prior !== undefined) process.env['LYCHD_DEBUG'] = prior;
    }
  });

  it('what caused a problem, outermost first, each line escaped like the rest', () => {
    expect(
      renderDiagnostic({
        severity: 'error',
        code: 'LYCHD801',
        message: 'uv could not set up the locked environment',
        cause: ['uv sync exited with 2', 'error: no interpreter\nfound \u001b[31mhere'],
        hint: 'install python3',
      }),
    ).toMatchInlineSnapshot(`
      "error[LYCHD801]: uv could not set up the locked environment
        caused by: uv sync exited with 2
        caused by: error: no interpreter
                   found \\u{001b}[31mhere
        hint: install python3"
    `);
  });

  it('an unforeseen failure keeps the chain of errors that caused it', () => {
    const prior = process.env['LYCHD_DEBUG'];
    delete process.env['LYCHD_DEBUG'];
    try {
      expect(
        reported(() => {
          throw new Error('cannot write the manifest', { cause: new Error('ENOSPC: no space left on device') });
        }),
      ).toMatchInlineSnapshot(`
        "error[LYCHD900]: cannot write the manifest
          caused by: ENOSPC: no space left on device
          hint: run again with LYCHD_DEBUG=1 to see where it happened"
      `);
    } finally {
      if (prior !== undefined) process.env['LYCHD_DEBUG'] = prior;
    }
  });

  it('failure() builds the same model for problems that are not a Codex value', () => {
    expect(
      reported(() => {
        throw failure('LYCHD500', 'cannot locate the Binding Site', { why: 'HOME is not set', hint: 'set LYCHD_BINDING_SITE' });
      }),
    ).toMatchInlineSnapshot(`
      "error[LYCHD500]: cannot locate the Binding Site
        why: HOME is not set
        hint: set LYCHD_BINDING_SITE"
    `);
  });
});

describe('one handler: the command line and the Nx tasks print the same', () => {
  it('lychd-forge bind --rollback with nothing bound', () => {
    const site = path.join(temp(), 'site');
    const r = forge(['bind', '--rollback', '--binding-site', site]);
    expect(r.status).toBe(1);
    expect(r.stderr.replaceAll(path.dirname(site), '<tmp>')).toMatchInlineSnapshot(`
      "error[LYCHD504]: no previous generation to roll back to: nothing was ever bound to <tmp>/site
        why: the generation store <tmp>/.lychd-store-site does not exist
      "
    `);
  });

  it('an Nx task (quadlets:bind) whose generation folder is missing', async () => {
    const root = temp();
    let written = '';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => {
      written += String(t);
      return true;
    });
    const site = process.env['LYCHD_BINDING_SITE'];
    process.env['LYCHD_BINDING_SITE'] = path.join(root, 'site');
    try {
      expect(await runTask(['bind', JSON.stringify({ generationDir: 'missing', facts: 'facts.json', check: true })], root)).toBe(1);
    } finally {
      stderr.mockRestore();
      if (site === undefined) delete process.env['LYCHD_BINDING_SITE'];
      else process.env['LYCHD_BINDING_SITE'] = site;
    }
    expect(written.replaceAll(root, '<tmp>')).toMatchInlineSnapshot(`
      "missing: error[LYCHD501]: the generation folder does not exist
        hint: render the Quadlets first (the Scribe's output), then pass that folder
      "
    `);
  });

  it('what escapes a command reaches the same handler from the entry points (tools/bin/fail.js)', () => {
    const fail = path.resolve(__dirname, '../../tools/bin/fail.js');
    const escape = (debug: string) =>
      spawnSync(process.execPath, ['-e', `require(${JSON.stringify(fail)})(new Error('disk full', { cause: new Error('ENOSPC') }))`], {
        encoding: 'utf8',
        env: { ...process.env, LYCHD_DEBUG: debug },
      });
    const quiet = escape('');
    expect(quiet.status).toBe(1);
    expect(quiet.stderr).toBe(
      'error[LYCHD900]: disk full\n  caused by: ENOSPC\n  hint: run again with LYCHD_DEBUG=1 to see where it happened\n',
    );
    expect(escape('1').stderr).toMatch(/^error\[LYCHD900\]: disk full\n {2}caused by: ENOSPC\nError: disk full\n {4}at /);
  });
});
