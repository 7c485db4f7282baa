import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExampleCodex, WORKSPACE } from '../support/codex-fixture';
import { forge } from '../support/run';

describe('lychd-forge validate', () => {
  it('accepts the shipped example and exits 0', () => {
    const r = forge(['validate']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^Codex .*codex: valid: 7 soulstone\(s\), 2 portal\(s\), 1 rune\(s\) of extension families, 3 extension\(s\)/m,
    );
    expect(r.status).toBe(0);
  });

  it('prints every error as path:line:col on stderr and exits 1', () => {
    const codexDir = copyExampleCodex();
    const vllm = path.join(codexDir, 'runes/animator/soulstones/vllm/private_runtime.toml');
    fs.writeFileSync(vllm, fs.readFileSync(vllm, 'utf8').replace('port = 8782', 'port = 8780'));
    fs.appendFileSync(path.join(codexDir, 'runes/animator/portals/openai.toml'), 'api_key = "sk-x"\n');
    // Outside a workspace nothing of the Forge's checkout is implied: the extensions are named too.
    const r = forge(['validate', '--codex', codexDir, '--extensions', path.join(WORKSPACE, 'extensions')], { cwd: path.dirname(codexDir) });
    expect(r.status).toBe(1);
    // The whole output: what, where, why and how to fix each problem, then the count.
    expect(r.stderr.replaceAll(path.dirname(codexDir), '<tmp>')).toMatchInlineSnapshot(`
      "codex/runes/animator/portals/openai.toml:8:1: error[LYCHD103]: unknown field "api_key" [api_key]
        hint: keep the key out of the Codex: store it with \`podman secret create <name> -\` and set api_key_secret = "<name>"
      codex/runes/animator/soulstones/sglang/vision_eye.toml:6:8: error[LYCHD108]: port 8780 is also used by soulstone private-runtime (animator/soulstones/vllm/private_runtime.toml) [port]
        hint: every soulstone needs its own port, distinct from the core services' (the Port Singularity): pick a free one
      codex/runes/animator/soulstones/vllm/private_runtime.toml:6:8: error[LYCHD108]: port 8780 is also used by soulstone eye (animator/soulstones/sglang/vision_eye.toml) [port]
        hint: every soulstone needs its own port, distinct from the core services' (the Port Singularity): pick a free one
      Codex <tmp>/codex: 3 error(s), 0 warning(s); nothing was written.
      "
    `);
  });

  it('explains unknown options and commands with exit status 2', () => {
    const typo = forge(['validate', '--codx', 'x']);
    expect(typo.stderr).toMatch(/^lychd-forge: unknown option '--codx'\n\(Did you mean --codex\?\)/);
    expect(typo.status).toBe(2);
    const command = forge(['validat']);
    expect(command.stderr).toMatch(/^lychd-forge: unknown command 'validat'\n\(Did you mean validate\?\)/);
    expect(command.status).toBe(2);
  });

  it('generates its help from the command definitions', () => {
    const help = forge(['bind', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: lychd-forge bind \[options\]/);
    expect(help.stdout).toMatch(/--keep <n> +generations kept for rollback/);
    expect(forge(['bind', '--keep', '1']).stderr).toMatch(
      /^lychd-forge: option '--keep <n>' argument '1' is invalid\. a whole number of at least 2/,
    );
  });
});

describe('lychd-forge schemas', () => {
  it('the shipped JSON Schemas, Taplo mapping and field reference match the zod schemas', () => {
    const r = forge(['schemas', '--check']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('each family schema rejects unknown fields, as the loader does', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(WORKSPACE, 'tools/schemas/soulstone-vllm.schema.json'), 'utf8'));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'image', 'port']);
    expect(Object.keys(schema.properties)).toContain('gpu_memory_utilization');
  });
});
