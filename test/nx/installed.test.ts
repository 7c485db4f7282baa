import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE } from '../support/codex-fixture';
import { runAsync } from '../support/run';

/** A command in the new workspace, as its user would run it: no daemon, no cloud, no colours. */
const sh = async (cmd: string, args: string[], cwd: string) => {
  const r = await runAsync(cmd, args, {
    cwd,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return { status: r.status, out: r.stdout + r.stderr, stdout: r.stdout };
};

const devkit = (name: string) =>
  (JSON.parse(fs.readFileSync(path.join(WORKSPACE, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> })
    .devDependencies[name]!;

// The plugin as a user gets it: packed, installed from the tarball into a new Nx workspace whose
// Codex lives in a folder of its own choosing, with none of this repository around it.
describe('@lychd/forge installed into a fresh Nx workspace', () => {
  let ws: string;

  beforeAll(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-installed-'));
    const pack = await sh('npm', ['pack', '--pack-destination', ws, '--json'], path.join(WORKSPACE, 'tools'));
    expect(pack.status, pack.out).toBe(0);
    const tarball = (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename;
    fs.writeFileSync(
      path.join(ws, 'package.json'),
      JSON.stringify({
        name: 'my-host',
        private: true,
        devDependencies: { nx: devkit('nx'), '@nx/devkit': devkit('@nx/devkit'), '@lychd/forge': `file:./${tarball}` },
      }),
    );
    fs.writeFileSync(
      path.join(ws, 'nx.json'),
      JSON.stringify({
        neverConnectToCloud: true,
        plugins: [{ plugin: '@lychd/forge', options: { codexDir: 'deploy/codex', extensionsDir: 'deploy/extensions' } }],
      }),
    );
    fs.cpSync(path.join(WORKSPACE, 'codex'), path.join(ws, 'deploy/codex'), { recursive: true });
    // The scriptorium's rune family is declared by its register hook, recorded in this workspace's
    // forge/federation.json, which the new workspace does not have.
    fs.rmSync(path.join(ws, 'deploy/codex/runes/scriptorium'), { recursive: true });
    fs.cpSync(path.join(WORKSPACE, 'extensions/oracle'), path.join(ws, 'deploy/extensions/oracle'), { recursive: true });
    const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], ws);
    expect(install.status, install.out).toBe(0);
  }, 600_000);

  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('infers the projects from the Codex and runs its tasks from the package', async () => {
    const projects = await sh('npx', ['nx', 'show', 'projects', '--json'], ws);
    expect(projects.status, projects.out).toBe(0);
    expect(JSON.parse(projects.out.slice(projects.out.indexOf('[')))).toEqual(
      expect.arrayContaining(['codex', 'quadlets', 'forge', 'runes-vllm', 'runes-sglang', 'runes-oracle-generic']),
    );
    const target = await sh('npx', ['nx', 'show', 'project', 'quadlets', '--json'], ws);
    const scribe = (JSON.parse(target.out.slice(target.out.indexOf('{'))) as { targets: Record<string, { options: { command: string } }> })
      .targets['scribe']!;
    expect(scribe.options.command).toMatch(/^node node_modules\/@lychd\/forge\/bin\/forge-task\.js assemble /);

    const run = await sh('npx', ['nx', 'run', 'quadlets:scribe', '--output-style=static'], ws);
    expect(run.status, run.out).toBe(0);
    const generation = fs.readdirSync(path.join(ws, 'quadlets/generation')).sort();
    expect(generation).toEqual(
      expect.arrayContaining(['lychd.pod', 'vessel.container', 'soulstone-eye.container', 'soulstone-whisper.container']),
    );
  }, 600_000);

  it('offers the generator and the executors', async () => {
    const list = await sh('npx', ['nx', 'list', '@lychd/forge'], ws);
    expect(list.status, list.out).toBe(0);
    expect(list.out).toMatch(/rune : Add a rune file/);
    expect(list.out).toMatch(/validate : Validate the Codex/);
    fs.mkdirSync(path.join(ws, 'ops'), { recursive: true });
    fs.writeFileSync(
      path.join(ws, 'ops/project.json'),
      JSON.stringify({
        name: 'ops',
        targets: {
          check: { executor: '@lychd/forge:validate', options: { codexDir: 'deploy/codex', extensionsDir: 'deploy/extensions' } },
        },
      }),
    );
    const check = await sh('npx', ['nx', 'run', 'ops:check', '--output-style=static'], ws);
    expect(check.status, check.out).toBe(0);
    expect(check.out).toMatch(/valid: 6 soulstone\(s\), 1 portal\(s\), 0 rune\(s\) of extension families, 1 extension\(s\)/);
  }, 600_000);
});
