import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCodex, type LocatedDiagnostic } from '../../tools/src/codex';
import { federationInput } from '../../tools/src/codex/registry';
import { copyExampleCodex, WORKSPACE } from '../support/codex-fixture';

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

const BROWSER = 'runes/animator/soulstones/generic/browser.toml';
const EYE = 'runes/animator/soulstones/sglang/vision_eye.toml';

function load(edit: (codexDir: string) => void): { warnings: string[]; all: LocatedDiagnostic[]; valid: boolean } {
  const codexDir = copyExampleCodex();
  made.push(path.dirname(codexDir));
  edit(codexDir);
  const extensionsDir = path.join(WORKSPACE, 'extensions');
  const r = loadCodex({ codexDir, extensionsDir, federation: federationInput(WORKSPACE, extensionsDir) });
  const warnings = r.diagnostics
    .filter((d) => d.severity === 'warning')
    .map((d) => `${path.relative(codexDir, d.file)}:${d.line}:${d.column} [${d.field}] ${d.message} (hint: ${d.hint ?? ''})`);
  return { warnings, all: r.diagnostics, valid: r.codex !== undefined };
}
const edit = (codexDir: string, file: string, f: (text: string) => string) =>
  fs.writeFileSync(path.join(codexDir, file), f(fs.readFileSync(path.join(codexDir, file), 'utf8')));
const lineOf = (codexDir: string, file: string, start: string) =>
  fs
    .readFileSync(path.join(codexDir, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.startsWith(start)) + 1;

describe('dangerous configurations are valid, with a warning at file:line:col and the safer alternative', () => {
  it('the shipped example has none', () => {
    expect(load(() => undefined).warnings).toEqual([]);
  });

  it('mounts of /, /etc, the podman socket, home secrets, and :Z or :U on a system folder', () => {
    let codex = '';
    const r = load((c) => {
      codex = c;
      edit(c, BROWSER, (t) =>
        t.replace(
          'capabilities = ["browsing"]',
          [
            'capabilities = ["browsing"]',
            'volumes = ["/:/host", "/etc:/host-etc:ro", "/run/user/1000/podman/podman.sock:/run/podman.sock", "%h/.ssh:/root/.ssh:ro",',
            '  "/usr/share:/share:Z", "/srv/data:/data:Z", "/etc/localtime:/etc/localtime:ro", "models:/models"]',
          ].join('\n'),
        ),
      );
    });
    expect(r.valid).toBe(true);
    const at = lineOf(codex, BROWSER, 'volumes');
    expect(r.warnings.filter((w) => w.includes('[volumes['))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${BROWSER}:${at}:12 \\[volumes\\[0\\]\\] volume "/:/host" mounts the host's root folder.*mount only the folder it needs`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^${BROWSER}:${at}:\\d+ \\[volumes\\[1\\]\\] volume "/etc:/host-etc:ro" mounts the host's /etc.*/etc/localtime:ro`),
      ),
      expect.stringMatching(
        /\[volumes\[2\]\] volume "\/run\/user\/1000\/podman\/podman.sock:\/run\/podman.sock" mounts the podman \(or docker\) socket/,
      ),
      expect.stringMatching(
        /\[volumes\[3\]\] volume "%h\/.ssh:\/root\/.ssh:ro" mounts a folder of home-directory secrets.*secret_env_files/,
      ),
      expect.stringMatching(
        new RegExp(`^${BROWSER}:${at + 1}:\\d+ \\[volumes\\[4\\]\\] volume "/usr/share:/share:Z" uses :Z on a system folder`),
      ),
    ]);
  });

  it('publish_address beyond loopback', () => {
    const r = load((c) => edit(c, 'lychd.toml', (t) => t.replace('publish_address = "127.0.0.1"', 'publish_address = "0.0.0.0"')));
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^lychd.toml:9:19 \[sepulcher.publish_address\] publish_address "0.0.0.0" exposes every published port beyond this machine \(hint: keep 127.0.0.1/,
      ),
    ]);
  });

  it('an env_vars value that looks like a credential, without echoing it', () => {
    const r = load((c) => {
      edit(c, BROWSER, (t) => `${t}HF_TOKEN = "hf_topsecretvalue"\nDB_PASSWORD = "hunter2-secret"\nMY_API_KEY = "k-secret"\n`);
      edit(c, 'lychd.toml', (t) => t.replace('expose_port = true', 'expose_port = true\nenv_vars = { GITHUB_TOKEN = "ghp_secretvalue" }'));
    });
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.replace(/:\d+:\d+ /, ' '))).toEqual([
      'lychd.toml [vessel.env_vars.GITHUB_TOKEN] env_vars.GITHUB_TOKEN looks like a credential, written in the Codex in plain text (value not shown) (hint: store it with `podman secret create <name> -` and set secret_env_files.GITHUB_TOKEN_FILE = "<name>")',
      `${BROWSER} [env_vars.HF_TOKEN] env_vars.HF_TOKEN looks like a credential, written in the Codex in plain text (value not shown) (hint: store it with \`podman secret create <name> -\` and set secret_env_files.HF_TOKEN_FILE = "<name>")`,
      `${BROWSER} [env_vars.DB_PASSWORD] env_vars.DB_PASSWORD looks like a credential, written in the Codex in plain text (value not shown) (hint: store it with \`podman secret create <name> -\` and set secret_env_files.DB_PASSWORD_FILE = "<name>")`,
      `${BROWSER} [env_vars.MY_API_KEY] env_vars.MY_API_KEY looks like a credential, written in the Codex in plain text (value not shown) (hint: store it with \`podman secret create <name> -\` and set secret_env_files.MY_API_KEY_FILE = "<name>")`,
    ]);
    expect(JSON.stringify(r.all)).not.toMatch(/secretvalue|hunter2|k-secret/);
  });

  it('a GPU soulstone in no coven is refused; one without a GPU may stay out of every coven', () => {
    const r = load((c) => edit(c, EYE, (t) => t.replace(/^groups = .*$/m, 'groups = []')));
    expect(r.valid).toBe(false);
    expect(
      r.all
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.file.split('/runes/')[1]}:${d.line}:${d.column} [${d.field}] ${d.message} (hint: ${d.hint})`),
    ).toEqual([
      expect.stringMatching(
        /^animator\/soulstones\/sglang\/vision_eye.toml:1:8 \[groups\] GPU soulstone "eye" belongs to no coven, so nothing keeps it off a GPU that another coven holds.*hint: add it to a coven.*gpu = false/,
      ),
    ]);
    const cpu = load((c) => edit(c, EYE, (t) => t.replace(/^groups = .*$/m, 'groups = []\ngpu = false')));
    expect(cpu.valid).toBe(true);
  });
});
