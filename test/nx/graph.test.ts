import { describe, expect, it } from 'vitest';
import { copyWorkspace } from '../support/workspace';

const projects = async (ws: ReturnType<typeof copyWorkspace>) => {
  const r = await ws.nx(['show', 'projects', '--json']);
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as string[]).sort();
};

describe('the inferred project graph', () => {
  it('has one project per rune file and the whole-Codex projects, with no project.json', async () => {
    const ws = copyWorkspace();
    const names = (await projects(ws));
    expect(names).toEqual(
      expect.arrayContaining(['codex', 'quadlets', 'forge', 'rune-sglang-vision_eye', 'rune-llamacpp-vision_scribe', 'rune-vllm-private_runtime', 'rune-portals-openai']),
    );
  });

  it('a new rune file appears as a project with its targets, with no other edit', async () => {
    const ws = copyWorkspace();
    ws.write('codex/runes/animator/soulstones/vllm/coder.toml', 'name = "coder"\nimage = "docker.io/vllm/vllm-openai:v0.10.1"\nport = 8799\n');
    expect((await projects(ws))).toContain('rune-vllm-coder');
    const shown = JSON.parse((await ws.nx(['show', 'project', 'rune-vllm-coder', '--json'])).stdout);
    expect(shown.root).toBe('codex/runes/animator/soulstones/vllm/coder.toml');
    expect(Object.keys(shown.targets).sort()).toEqual(['bind', 'scribe']);
  });

  it('maps an edit of one rune file to that rune project alone', async () => {
    const ws = copyWorkspace();
    const r = await ws.nx(['show', 'projects', '--affected', '--files=codex/runes/animator/soulstones/sglang/vision_eye.toml', '--json']);
    const affected = (JSON.parse(r.stdout) as string[]).sort();
    expect(affected.filter((p) => p.startsWith('rune-'))).toEqual(['rune-sglang-vision_eye']);
    expect(affected).toContain('quadlets');
  });

  it('hashes a rune\'s own file and the plugin, and not the other runes', async () => {
    const ws = copyWorkspace();
    const rune = JSON.parse((await ws.nx(['show', 'target', 'inputs', 'rune-sglang-vision_eye:scribe', '--json'])).stdout);
    expect(rune.files).toContain('codex/runes/animator/soulstones/sglang/vision_eye.toml');
    expect(rune.files).not.toContain('codex/runes/animator/soulstones/vllm/private_runtime.toml');
    // The plugin reaches the rune's hash through the context it depends on, which hashes it.
    const context = JSON.parse((await ws.nx(['show', 'target', 'inputs', 'codex:context', '--json'])).stdout);
    expect(context.files).toContain('tools/src/nx/plugin.ts');
    expect(context.files).toContain('tools/src/scribe/pod.ts');
  });

  it('codex:validate accepts the example and rejects a bad rune with its file, line and column', async () => {
    const ws = copyWorkspace();
    const ok = await ws.nx(['run', 'codex:validate', '--output-style=static']);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    ws.write('codex/runes/animator/soulstones/vllm/broken.toml', 'name = "broken"\nimage = "docker.io/vllm/vllm-openai:v1"\nport = 99999\n');
    const bad = await ws.nx(['run', 'codex:validate', '--output-style=static']);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('codex/runes/animator/soulstones/vllm/broken.toml:3:8: error: "port" must be between 1 and 65535 [port]');
  });

  it('nx g @lychd/forge:rune writes a valid rune that becomes a project', async () => {
    const ws = copyWorkspace();
    const g = await ws.nx(['g', '@lychd/forge:rune', 'coder', '--family=vllm', '--image=docker.io/vllm/vllm-openai:v0.10.1', '--port=8799', '--groups=deep-think']);
    expect(g.status, g.stdout + g.stderr).toBe(0);
    expect(ws.read('codex/runes/animator/soulstones/vllm/coder.toml')).toBe('name = "coder"\nimage = "docker.io/vllm/vllm-openai:v0.10.1"\nport = 8799\ngroups = [ "deep-think" ]\n');
    expect((await projects(ws))).toContain('rune-vllm-coder');
    expect((await ws.nx(['run', 'codex:validate'])).status).toBe(0);
    const bad = await ws.nx(['g', '@lychd/forge:rune', 'Bad', '--family=vllm', '--image=docker.io/x/y:1', '--port=1']);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('"Bad" is not a valid rune name');
  });
});
