import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { canonicalJson, sha256 } from '../../tools/src/shared/digest';
import { runAsync, type Ran } from '../support/run';
import { WORKSPACE } from '../support/codex-fixture';
import { tempDir } from '../support/temp';

/**
 * The host the Rebirth Gate tests share: the real command line, with podman and `systemctl --user`
 * as STAND-INS (standin/host.py) keeping image names and unit states in a file; the VM test
 * (test/vm) runs the same Gate against the real programs. Imported by a test file, it registers
 * that file's hooks: body A confirmed and running, candidate B staged with a changed generation,
 * made once and given back to each test at the same path.
 */
const HOST = path.join(__dirname, 'standin', 'host.py');
export const SYNTHESIS = path.join(WORKSPACE, 'forge', 'synthesis.lock.json');

export let tmp: string;
let env: NodeJS.ProcessEnv;
export const site = () => path.join(tmp, 'site');
export const state = () =>
  JSON.parse(fs.readFileSync(path.join(tmp, 'state', 'state.json'), 'utf8')) as { tags: Record<string, string>; running: string[] };
export const custom = () => state().tags['localhost/lychd:custom'];
export const generation = () => fs.readlinkSync(path.join(site(), 'lychd'));

/** A minimal OCI layout (one config, no layers) with an image.json as forge:image writes it. */
function image(name: string): { dir: string; id: string } {
  const dir = path.join(tmp, name);
  const put = (text: string) => {
    const digest = sha256(text);
    fs.mkdirSync(path.join(dir, 'oci', 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'oci', 'blobs', 'sha256', digest), text);
    return { digest: `sha256:${digest}`, size: Buffer.byteLength(text) };
  };
  const config = put(
    canonicalJson({ architecture: 'amd64', os: 'linux', config: { Labels: { name } }, rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const manifest = put(
    canonicalJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [],
    }),
  );
  const ref = { 'org.opencontainers.image.ref.name': 'lychd' };
  fs.writeFileSync(
    path.join(dir, 'oci', 'index.json'),
    canonicalJson({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: ref }],
    }),
  );
  fs.writeFileSync(path.join(dir, 'oci', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const summary = {
    formatVersion: 1,
    strategy: 'mundane',
    imageId: config.digest,
    manifestDigest: manifest.digest,
    diffIds: [],
    layout: 'oci',
    refName: 'lychd',
    systemPackages: {},
    synthesis: `sha256:${sha256(fs.readFileSync(SYNTHESIS))}`,
  };
  fs.writeFileSync(path.join(dir, 'image.json'), canonicalJson(summary));
  return { dir, id: config.digest.slice('sha256:'.length) };
}

/** The real command line, run without blocking the test worker. */
export function gate(args: string[], more: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const cli = path.join(WORKSPACE, 'tools/bin/lychd-forge.js');
  return runAsync(process.execPath, [cli, 'rebirth', '--binding-site', site(), ...args], {
    cwd: WORKSPACE,
    env: { ...process.env, ...env, ...more },
  });
}

/** Stages `img` from `codex` and returns the id the review asks to confirm. */
export async function stage(img: { dir: string }, codex = path.join(WORKSPACE, 'codex')): Promise<string> {
  const r = await gate(['--codex', codex, '--image', img.dir, '--synthesis', SYNTHESIS]);
  expect(r.status, r.stderr).toBe(1);
  const id = /To apply it: lychd-forge rebirth --confirm ([0-9a-f]{12})/.exec(r.stdout)?.[1];
  expect(id, r.stdout).toBeDefined();
  return id!;
}

export let a: { dir: string; id: string };
export let b: { dir: string; id: string };
export let genA: string;

/** The state every test starts from, made once: three runs of the Gate that each test would repeat. */
let pristine: string;
const copyTree = (from: string, to: string) => fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });

beforeAll(async () => {
  tmp = tempDir('lychd-rebirth-');
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(tmp, 'state'));
  for (const prog of ['podman', 'systemctl'])
    fs.writeFileSync(path.join(bin, prog), `#!/bin/sh\nexec python3 ${HOST} ${prog} "$@"\n`, { mode: 0o755 });
  env = { LYCHD_PODMAN: path.join(bin, 'podman'), LYCHD_SYSTEMCTL: path.join(bin, 'systemctl'), STANDIN_STATE: path.join(tmp, 'state') };
  a = image('candidate-a');
  b = image('candidate-b');
  // Body A is confirmed and its Vessel runs; candidate B comes with a changed generation.
  expect((await gate(['--confirm', await stage(a)])).status).toBe(0);
  genA = generation();
  const codexB = path.join(tmp, 'codex-b');
  fs.cpSync(path.join(WORKSPACE, 'codex'), codexB, { recursive: true });
  fs.writeFileSync(
    path.join(codexB, 'lychd.toml'),
    fs.readFileSync(path.join(codexB, 'lychd.toml'), 'utf8').replace('log_level = "info"', 'log_level = "debug"'),
  );
  expect(await stage(b, codexB)).toBe(b.id.slice(0, 12));
  pristine = tempDir('lychd-rebirth-pristine-');
  copyTree(tmp, pristine);
}, 120_000);

// Each test gets that state back at the same path: the site's links and the Gate's store name it.
beforeEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  copyTree(pristine, tmp);
});

afterAll(() => {
  for (const dir of [tmp, pristine]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the example Codex naming the image: `forge.image` and `vessel.image` as given. */
export function codexNaming(dir: string, forge: string, vessel: string): string {
  const codex = path.join(tmp, dir);
  fs.cpSync(path.join(WORKSPACE, 'codex'), codex, { recursive: true });
  const scroll = fs
    .readFileSync(path.join(codex, 'lychd.toml'), 'utf8')
    .replace('image = "localhost/lychd:custom"', `image = "${vessel}"`)
    .replace('python = "3.11"\n', `python = "3.11"\nimage = "${forge}"\n`);
  fs.writeFileSync(path.join(codex, 'lychd.toml'), scroll);
  return codex;
}
