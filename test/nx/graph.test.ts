import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forge } from '../support/run';
import { copyWorkspace } from '../support/workspace';

const projects = async (ws: ReturnType<typeof copyWorkspace>) => {
  const r = await ws.nx(['show', 'projects', '--json']);
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as string[]).sort();
};

// Each test has a workspace copy of its own: they run at the same time.
describe.concurrent('the inferred project graph', () => {
  it('has one project per rune folder and the whole-Codex projects, with no project.json', async () => {
    const ws = copyWorkspace();
    const names = await projects(ws);
    expect(names.filter((p) => p.startsWith('runes-'))).toEqual([
      'runes-generic',
      'runes-llamacpp',
      'runes-oracle-generic',
      'runes-portals',
      'runes-sglang',
      'runes-vllm',
    ]);
    expect(names).toEqual(expect.arrayContaining(['codex', 'quadlets', 'forge']));
  });

  it('a new rune file joins its folder, a rune in a new family folder is a new project, a misplaced file none', async () => {
    const ws = copyWorkspace();
    ws.write(
      'codex/runes/animator/soulstones/vllm/coder.toml',
      'name = "coder"\nimage = "docker.io/vllm/vllm-openai:v0.10.1"\nport = 8799\n',
    );
    ws.write(
      'extensions/oracle/runes/animator/soulstones/vllm/reader.toml',
      'name = "reader"\nimage = "docker.io/vllm/vllm-openai:v0.10.1"\nport = 8798\n',
    );
    ws.write('codex/runes/animator/stray.toml', 'name = "stray"\n');
    const names = await projects(ws);
    // The misplaced file is the Codex validation's to report (codex:validate, and codex:context before any scribe).
    expect(names.filter((p) => p.startsWith('runes-'))).toEqual([
      'runes-generic',
      'runes-llamacpp',
      'runes-oracle-generic',
      'runes-oracle-vllm',
      'runes-portals',
      'runes-sglang',
      'runes-vllm',
    ]);
    const shown = JSON.parse((await ws.nx(['show', 'project', 'runes-oracle-vllm', '--json'])).stdout);
    expect(shown.root).toBe('extensions/oracle/runes/animator/soulstones/vllm');
    expect(Object.keys(shown.targets).sort()).toEqual(['bind', 'scribe']);
    const inputs = JSON.parse((await ws.nx(['show', 'target', 'inputs', 'runes-vllm:scribe', '--json'])).stdout);
    expect(inputs.files.filter((f: string) => f.endsWith('.toml'))).toEqual([
      'codex/runes/animator/soulstones/vllm/coder.toml',
      'codex/runes/animator/soulstones/vllm/private_runtime.toml',
    ]);
  });

  it("maps an edit of one rune file to its folder's project alone", async () => {
    const ws = copyWorkspace();
    const r = await ws.nx(['show', 'projects', '--affected', '--files=codex/runes/animator/soulstones/sglang/vision_eye.toml', '--json']);
    const affected = (JSON.parse(r.stdout) as string[]).sort();
    expect(affected.filter((p) => p.startsWith('runes-'))).toEqual(['runes-sglang']);
    expect(affected).toContain('quadlets');
  });

  it("hashes a rune folder's own files and the plugin, and not the other runes", async () => {
    const ws = copyWorkspace();
    const runes = JSON.parse((await ws.nx(['show', 'target', 'inputs', 'runes-sglang:scribe', '--json'])).stdout);
    expect(runes.files.filter((f: string) => f.endsWith('.toml'))).toEqual(['codex/runes/animator/soulstones/sglang/vision_eye.toml']);
    // The plugin reaches the folder's hash through codex:context, which the folder depends on and which hashes it.
    const context = JSON.parse((await ws.nx(['show', 'target', 'inputs', 'codex:context', '--json'])).stdout);
    expect(context.files).toContain('tools/src/nx/plugin.ts');
    expect(context.files).toContain('tools/src/scribe/pod.ts');
  });

  it("forge:federate is cached on the hooks' sources and the lock, and codex:validate reads what it wrote", async () => {
    const ws = copyWorkspace();
    const shown = JSON.parse((await ws.nx(['show', 'project', 'forge', '--json'])).stdout);
    expect(shown.targets.federate).toMatchObject({
      cache: true,
      dependsOn: ['lock-python'],
      outputs: ['{workspaceRoot}/forge/federation.json', '{workspaceRoot}/forge/federation.sources.json'],
    });
    const inputs = JSON.parse((await ws.nx(['show', 'target', 'inputs', 'forge:federate', '--json'])).stdout);
    expect(inputs.files).toEqual(
      expect.arrayContaining([
        'extensions/oracle/src/oracle/__init__.py',
        'core/src/lychd_core/federation.py',
        'extensions/scriptorium/pyproject.toml',
      ]),
    );
    const validate = JSON.parse((await ws.nx(['show', 'target', 'inputs', 'codex:validate', '--json'])).stdout);
    expect(validate.files).toEqual(
      expect.arrayContaining([
        'forge/federation.json',
        'extensions/scriptorium/schemas/codices.schema.json',
        'extensions/oracle/package.json',
      ]),
    );
  });

  it('runs the uncached targets too: forge:setup checks the tools it finds installed', async () => {
    const ws = copyWorkspace();
    const r = await ws.nx(['run', 'forge:setup', '--output-style=static']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lychd-forge setup: uv [\d.]+ already installed/);
  });

  it('codex:validate accepts the example and rejects a bad rune with its file, line and column', async () => {
    const ws = copyWorkspace();
    const ok = await ws.nx(['run', 'codex:validate', '--output-style=static']);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    ws.write(
      'codex/runes/animator/soulstones/vllm/broken.toml',
      'name = "broken"\nimage = "docker.io/vllm/vllm-openai:v1"\nport = 99999\n',
    );
    const bad = await ws.nx(['run', 'codex:validate', '--output-style=static']);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain(
      'codex/runes/animator/soulstones/vllm/broken.toml:3:8: error[LYCHD105]: "port" must be between 1 and 65535 [port]',
    );
  });

  it("nx g @lychd/forge:rune writes a valid rune that joins its folder's project", async () => {
    const ws = copyWorkspace();
    const g = await ws.nx([
      'g',
      '@lychd/forge:rune',
      'coder',
      '--family=vllm',
      '--image=docker.io/vllm/vllm-openai:v0.10.1',
      '--port=8799',
      '--model=/models/qwen-coder',
      '--groups=deep-think',
    ]);
    expect(g.status, g.stdout + g.stderr).toBe(0);
    expect(ws.read('codex/runes/animator/soulstones/vllm/coder.toml')).toBe(
      'name = "coder"\nimage = "docker.io/vllm/vllm-openai:v0.10.1"\nport = 8799\nmodel_path = "/models/qwen-coder"\ngroups = [ "deep-think" ]\n',
    );
    const inputs = JSON.parse((await ws.nx(['show', 'target', 'inputs', 'runes-vllm:scribe', '--json'])).stdout);
    expect(inputs.files).toContain('codex/runes/animator/soulstones/vllm/coder.toml');
    expect((await ws.nx(['run', 'codex:validate'])).status).toBe(0);
    const bad = await ws.nx(['g', '@lychd/forge:rune', 'Bad', '--family=vllm', '--image=docker.io/x/y:1', '--port=1']);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('"Bad" is not a valid rune name');
  });

  it('the Nx tasks and the command line refuse a symlinked rune file alike, and render nothing', async () => {
    const ws = copyWorkspace();
    // The rune folders' facts of the Codex as it was, so the folder's task can run on its own below.
    expect((await ws.nx(['run', 'codex:context', '--output-style=static'])).status).toBe(0);
    const rune = 'codex/runes/animator/soulstones/sglang/vision_eye.toml';
    fs.renameSync(path.join(ws.root, rune), path.join(ws.root, 'vision_eye.source.toml'));
    fs.symlinkSync('../../../../../vision_eye.source.toml', path.join(ws.root, rune));
    const refusal = `${rune}:1:1: error[LYCHD101]: is a symbolic link (to "../../../../../vision_eye.source.toml"); the Codex holds plain files and folders only`;
    const cli = forge(['scribe'], { cwd: ws.root });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(refusal);
    const viaNx = await ws.nx(['run', 'quadlets:scribe', '--output-style=static']);
    expect(viaNx.status).not.toBe(0);
    expect(viaNx.stdout + viaNx.stderr).toContain(refusal);
    // The rune folder's own task, run without the validation before it, refuses the link too.
    const folder = await ws.nx(['run', 'runes-sglang:scribe', '--exclude-task-dependencies', '--output-style=static']);
    expect(folder.status).not.toBe(0);
    expect(folder.stdout + folder.stderr).toContain(refusal);
    expect(fs.existsSync(path.join(ws.root, 'quadlets/generation'))).toBe(false);
  }, 600_000);
});
