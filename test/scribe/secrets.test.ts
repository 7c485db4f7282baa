import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSecretsExist, requiredSecrets } from '../../tools/src/scribe';
import { loadCase, rel, tempDir } from './helpers';

/** A stand-in podman (podman is not installed here) that knows only the given secrets and logs every call but `--version`. */
function fakePodman(known: string[], version = '5.4.2'): { path: string; log: string } {
  const dir = tempDir();
  const log = join(dir, 'calls.log');
  const path = join(dir, 'podman');
  writeFileSync(
    path,
    `#!/bin/sh\n[ "$1" = "--version" ] && { echo "podman version ${version}"; exit 0; }\necho "$@" >> '${log}'\n[ "$1 $2" = "secret exists" ] || exit 125\ncase "$3" in\n${known.map((k) => `  ${k}) exit 0;;\n`).join('')}esac\nexit 1\n`,
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
      {
        owner: 'private-runtime',
        file: 'codex/runes/animator/soulstones/vllm/private_runtime.toml',
        field: 'secret_env_files.HF_TOKEN_FILE',
        secret: 'hf_runtime_token',
      },
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
    expect(r.errors[0]!.message).toMatch(
      /^rune "oracle-voice" \(.*oracle\/__init__\.py \[api_key_secret\]\) needs podman secret "elevenlabs_api_key"/,
    );
    expect(r.errors[1]!.message).toMatch(
      /^rune "private-runtime" \(.*private_runtime\.toml \[secret_env_files\.HF_TOKEN_FILE\]\) needs podman secret "hf_runtime_token"/,
    );
    expect(r.errors[1]!.message).toContain("printf '%s' '<value>' | podman secret create hf_runtime_token -");
    expect(r.errors[2]!.message).toMatch(
      /^rune "openai" .*openai\.toml \[api_key_secret\]\) needs podman secret "openai_api_key".*podman secret create openai_api_key -$/,
    );
  });

  it('is clean when every secret exists', () => {
    const { path } = fakePodman(['lychd-phylactery-password', 'hf_runtime_token', 'openai_api_key', 'elevenlabs_api_key']);
    expect(checkSecretsExist(loadCase('example'), path)).toEqual({ checked: true, errors: [] });
  });

  it('fails loudly when podman itself fails rather than reporting secrets missing', () => {
    const dir = tempDir();
    const broken = join(dir, 'podman');
    writeFileSync(broken, '#!/bin/sh\n[ "$1" = "--version" ] && { echo "podman version 5.4.2"; exit 0; }\nexit 125\n');
    chmodSync(broken, 0o755);
    expect(() => checkSecretsExist(loadCase('example'), broken)).toThrow(/podman secret exists .* failed with exit 125/);
  });

  it('names the podman found, the version the generation targets and what to do when podman is too old', () => {
    const { path, log } = fakePodman(['lychd-phylactery-password', 'hf_runtime_token', 'openai_api_key'], '4.3.1');
    const r = checkSecretsExist(loadCase('example'), path);
    expect(r.errors.map((e) => e.message)).toEqual([
      `podman 4.3.1 was found at ${path}, but the generation targets podman 5.3 (sepulcher.podman_version): podman 4.3.1 lacks what its units use. ` +
        'Install podman 5.3 or later (Debian trixie has 5.4), or point LYCHD_PODMAN at one.',
    ]);
    // It never asked the old podman about secrets: `podman secret exists` is not in 4.3.
    expect(existsSync(log)).toBe(false);
  });

  it('treats LYCHD_PODMAN naming no executable file as an error, not as podman being absent', () => {
    const before = process.env['LYCHD_PODMAN'];
    process.env['LYCHD_PODMAN'] = join(tempDir(), 'no-podman-here');
    try {
      expect(() => checkSecretsExist(loadCase('example'))).toThrow(/podman not found \(LYCHD_PODMAN is not an executable file\)/);
    } finally {
      if (before === undefined) delete process.env['LYCHD_PODMAN'];
      else process.env['LYCHD_PODMAN'] = before;
    }
  });
});
