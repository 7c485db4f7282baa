import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyWorkspace, ISOLATED_PLUGINS, type WorkspaceCopy } from '../support/workspace';
import { tempDir } from '../support/temp';

/**
 * A workspace that does not commit forge/federation.json (or whose record is stale) and whose
 * Codex holds a rune in a folder an extension registers (codex/runes/scriptorium/codices/): one
 * `nx run-many` runs the hooks before the validation that needs what they registered.
 */
function workspace(): { ws: WorkspaceCopy; env: NodeJS.ProcessEnv } {
  // A user's first run, with Nx's default plugin workers.
  const ws = copyWorkspace({ env: ISOLATED_PLUGINS });
  const site = tempDir('lychd-clean-site-');
  return { ws, env: { LYCHD_BINDING_SITE: path.join(site, 'containers', 'systemd') } };
}

describe('a clean start', () => {
  it('with no federation record: run-many runs federate first and goes on to a bound generation and a manifest', async () => {
    const { ws, env } = workspace();
    expect(ws.read('codex/runes/scriptorium/codices/ledger.toml')).toContain('name');
    const committed = ws.read('forge/federation.json');
    fs.rmSync(path.join(ws.root, 'forge/federation.json'));
    fs.rmSync(path.join(ws.root, 'forge/federation.sources.json'));

    const r = await ws.nx(['run-many', '-t', 'validate', 'bind', 'synthesize', '--output-style=static'], env);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('nx run forge:federate');
    expect(ws.read('forge/federation.json')).toBe(committed);
    expect(fs.readdirSync(path.join(env.LYCHD_BINDING_SITE!, 'lychd'))).toContain('vessel.container');
    expect(ws.git(['status', '--porcelain', 'forge/synthesis.lock.json'])).toBe('');

    // Recorded and current now: the next graph no longer puts federate first, and nothing reruns.
    const again = await ws.nx(['run-many', '-t', 'validate', 'bind', 'synthesize', '--output-style=static'], env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/nx run forge:federate/);
  }, 600_000);

  it('with a stale record (a hook changed since): the graph runs federate again before validating', async () => {
    const { ws, env } = workspace();
    const hook = 'extensions/scriptorium/src/scriptorium/__init__.py';
    const text = ws.read(hook);
    expect(text).toContain('context.add_capability("document.pdf")');
    ws.write(
      hook,
      text.replace(
        'context.add_capability("document.pdf")',
        'context.add_capability("document.pdf")\n    context.add_capability("document.scan")',
      ),
    );
    const r = await ws.nx(['run', 'codex:validate', '--output-style=static'], env);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('nx run forge:federate');
    expect(ws.read('forge/federation.json')).toContain('document.scan');
  }, 600_000);
});
