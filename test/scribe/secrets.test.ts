import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSecretsExist, requiredSecrets } from '../../tools/src/scribe';
import { cleanup, loadCase, rel, tempDir } from './helpers';

afterAll(cleanup);

/** A stand-in podman that knows only the given secrets and logs every call. */
function fakePodman(known: string[]): { path: string; log: string } {
  const dir = tempDir();
  const log = join(dir, 'calls.log');
  const path = join(dir, 'podman');
  writeFileSync(
    path,
    `#!/bin/sh\necho "$@" >> '${log}'\n[ "$1 $2" = "secret exists" ] || exit 125\ncase "$3" in\n${known.map((k) => `  ${k}) exit 0;;\n`).join('')}esac\nexit 1\n`,
  );
  chmodSync(path, 0o755);
  return { path, log };
}

describe('required secrets', () => {
  it('lists the phylactery password, soulstone secret files and portal API keys', () => {
    const found = requiredSecrets(loadCase('example')).map((s) => ({ ...s, file: s.file === 'lychd.toml' ? s.file : rel(s.file) }));
    expect(found).toEqual([
      // Registered by the oracle extension's hook: its line of code is where the secret is named.
      { owner: 'oracle-voice', file: 'extensions/oracle/src/oracle/__init__.py', field: 'api_key_secret', secret: 'elevenlabs_api_key' },
      { owner: 'private-runtime', file: 'codex/runes/animator/soulstones/vllm/private_runtime.toml', field: 'secret_env_files.HF_TOKEN_FILE', secret: 'hf_runtime_token' },
      { owner: 'phylactery', file: 'lychd.toml', field: 'phylactery.password_secret', secret: 'lychd-phylactery-password' },
      { owner: 'openai', file: 'codex/runes/animator/portals/openai.toml', field: 'api_key_secret', secret: 'openai_api_key' },
    ]);
  });

  it('mounts each soulstone secret and points its variable at the mount', () => {
    const codex = loadCase('runtimes');
    const required = requiredSecrets(codex).filter((s) => s.owner === 'weaver');
    expect(required.map((s) => s.secret)).toEqual(['hf_token', 'wandb_key']);
  });
});

describe('checkSecretsExist', () => {
  it('asks podman once per secret and names the rune, the secret and the command that creates it', () => {
    const { path } = fakePodman(['lychd-phylactery-password']);
    const r = checkSecretsExist(loadCase('example'), path);
    expect(r.checked).toBe(true);
    expect(r.errors).toHaveLength(3);
    expect(r.errors[0]).toMatch(/^rune "oracle-voice" \(.*oracle\/__init__\.py \[api_key_secret\]\) needs podman secret "elevenlabs_api_key"/);
    expect(r.errors[1]).toMatch(/^rune "private-runtime" \(.*private_runtime\.toml \[secret_env_files\.HF_TOKEN_FILE\]\) needs podman secret "hf_runtime_token"/);
    expect(r.errors[1]).toContain("printf '%s' '<value>' | podman secret create hf_runtime_token -");
    expect(r.errors[2]).toMatch(/^rune "openai" .*openai\.toml \[api_key_secret\]\) needs podman secret "openai_api_key".*podman secret create openai_api_key -$/);
  });

  it('is clean when every secret exists', () => {
    const { path } = fakePodman(['lychd-phylactery-password', 'hf_runtime_token', 'openai_api_key', 'elevenlabs_api_key']);
    expect(checkSecretsExist(loadCase('example'), path)).toEqual({ checked: true, errors: [] });
  });

  it('fails loudly when podman itself fails rather than reporting secrets missing', () => {
    const dir = tempDir();
    const broken = join(dir, 'podman');
    writeFileSync(broken, '#!/bin/sh\nexit 125\n');
    chmodSync(broken, 0o755);
    expect(() => checkSecretsExist(loadCase('example'), broken)).toThrow(/podman secret exists .* failed with exit 125/);
  });
});
