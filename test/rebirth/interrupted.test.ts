import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, sha256 } from '../../tools/src/shared/digest';
import { runAsync, type Ran } from '../support/run';
import { WORKSPACE } from '../support/codex-fixture';

/**
 * The Rebirth Gate interrupted at each step of a confirmation: the real command line, killed
 * (SIGKILL) or failed by podman or a unit at that step, then asked to finish or to go back.
 * podman and `systemctl --user` are STAND-INS (standin/host.py) keeping image names and unit
 * states in a file; the VM test (test/vm) runs the same Gate against the real programs.
 */
const HOST = path.join(__dirname, 'standin', 'host.py');
const SYNTHESIS = path.join(WORKSPACE, 'forge', 'synthesis.lock.json');

let tmp: string;
let env: NodeJS.ProcessEnv;
const site = () => path.join(tmp, 'site');
const state = () =>
  JSON.parse(fs.readFileSync(path.join(tmp, 'state', 'state.json'), 'utf8')) as { tags: Record<string, string>; running: string[] };
const custom = () => state().tags['localhost/lychd:custom'];
const generation = () => fs.readlinkSync(path.join(site(), 'lychd'));

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
function gate(args: string[], more: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const cli = path.join(WORKSPACE, 'tools/bin/lychd-forge.js');
  return runAsync(process.execPath, [cli, 'rebirth', '--binding-site', site(), ...args], {
    cwd: WORKSPACE,
    env: { ...process.env, ...env, ...more },
  });
}

/** Stages `img` from `codex` and returns the id the review asks to confirm. */
async function stage(img: { dir: string }, codex = path.join(WORKSPACE, 'codex')): Promise<string> {
  const r = await gate(['--codex', codex, '--image', img.dir, '--synthesis', SYNTHESIS]);
  expect(r.status, r.stderr).toBe(1);
  const id = /To apply it: lychd-forge rebirth --confirm ([0-9a-f]{12})/.exec(r.stdout)?.[1];
  expect(id, r.stdout).toBeDefined();
  return id!;
}

let a: { dir: string; id: string };
let b: { dir: string; id: string };
let genA: string;

/** The state every test starts from, made once: three runs of the Gate that each test would repeat. */
let pristine: string;
const copyTree = (from: string, to: string) => fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-rebirth-'));
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
  pristine = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-rebirth-pristine-'));
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
function codexNaming(dir: string, forge: string, vessel: string): string {
  const codex = path.join(tmp, dir);
  fs.cpSync(path.join(WORKSPACE, 'codex'), codex, { recursive: true });
  const scroll = fs
    .readFileSync(path.join(codex, 'lychd.toml'), 'utf8')
    .replace('image = "localhost/lychd:custom"', `image = "${vessel}"`)
    .replace('python = "3.11"\n', `python = "3.11"\nimage = "${forge}"\n`);
  fs.writeFileSync(path.join(codex, 'lychd.toml'), scroll);
  return codex;
}

describe('one image name: the Gate names the image forge.image, and a vessel.image that differs is refused', () => {
  it("reviews and confirms under the Prime Scroll's name", async () => {
    const v2 = codexNaming('codex-v2', 'localhost/lychd:v2', 'localhost/lychd:v2');
    const r = await gate(['--codex', v2, '--image', b.dir, '--synthesis', SYNTHESIS]);
    expect(r.stdout).toContain(`  body:      localhost/lychd:v2 (none) -> candidate ${b.id.slice(0, 12)}`);
    const done = await gate(['--codex', v2, '--confirm', b.id.slice(0, 12)]);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain(`localhost/lychd:v2 is now ${b.id.slice(0, 12)}`);
    expect(state().tags['localhost/lychd:v2']).toBe(b.id);
    expect(custom()).toBe(a.id);
  });

  it('refuses a vessel.image that is not forge.image, at its file:line:col, staging and confirming nothing', async () => {
    const split = codexNaming('codex-split', 'localhost/lychd:v2', 'localhost/lychd:custom');
    const before = fs.readFileSync(path.join(tmp, 'state', 'state.json'), 'utf8');
    for (const args of [
      ['--image', b.dir, '--synthesis', SYNTHESIS],
      ['--confirm', b.id.slice(0, 12)],
    ]) {
      const r = await gate(['--codex', split, ...args]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `${path.join(split, 'lychd.toml')}:15:9: error[LYCHD112]: vessel.image "localhost/lychd:custom" is not forge.image "localhost/lychd:v2", the name the Rebirth Gate gives the image it reviewed [vessel.image]`,
      );
    }
    expect(fs.readFileSync(path.join(tmp, 'state', 'state.json'), 'utf8')).toBe(before);
    expect(generation()).toBe(genA);
  });

  it('--confirm and --rollback read only the Prime Scroll: a broken rune refuses staging, not them', async () => {
    const broken = codexNaming('codex-broken', 'localhost/lychd:custom', 'localhost/lychd:custom');
    const rune = path.join(broken, 'runes', 'animator', 'soulstones', 'llamacpp', 'titan.toml');
    fs.writeFileSync(rune, `${fs.readFileSync(rune, 'utf8')}\nport = "not a port"\n`);
    const staging = await gate(['--codex', broken, '--image', b.dir, '--synthesis', SYNTHESIS]);
    expect(staging.status).toBe(1);
    expect(staging.stderr).toContain(rune);
    const done = await gate(['--codex', broken, '--confirm', b.id.slice(0, 12)]);
    expect(done.status, done.stderr).toBe(0);
    expect(custom()).toBe(b.id);
    const back = await gate(['--codex', broken, '--rollback']);
    expect(back.status, back.stderr).toBe(0);
    expect(custom()).toBe(a.id);
    expect(generation()).toBe(genA);
  });
});

describe('a confirmation killed at each step', () => {
  const steps = [
    { step: 'keeping the old body', at: () => 'localhost/lychd:previous', where: /the OLD body .* still in place/ },
    { step: 'naming the new body', at: () => `tag ${b.id} localhost/lychd:custom`, where: /stopped half way/ },
    { step: 'reloading systemd', at: () => 'daemon-reload', where: /the NEW body .* in place/ },
    { step: 'restarting the Vessel', at: () => 'systemctl --user restart', where: /the NEW body .* in place/ },
  ];
  for (const { step, at, where } of steps) {
    it(`while ${step}: the next command says where the host is; --rollback returns, --confirm finishes`, async () => {
      const killed = await gate(['--confirm', b.id.slice(0, 12)], { STANDIN_KILL_AT: at() });
      expect(killed.status, 'the confirmation was not killed').toBeNull();
      expect([a.id, b.id]).toContain(custom());

      // Re-staging the same candidate shows the interruption, where the host is, and what to do.
      const review = await gate(['--image', b.dir, '--synthesis', SYNTHESIS, '--codex', path.join(tmp, 'codex-b')]);
      expect(review.stdout).toMatch(where);
      expect(review.stdout).toContain('Run `lychd-forge rebirth --rollback` to return to the old body and generation');

      const back = await gate(['--rollback']);
      expect(back.status, back.stderr).toBe(0);
      expect(custom()).toBe(a.id);
      expect(generation()).toBe(genA);

      const again = await gate(['--confirm', await stage(b, path.join(tmp, 'codex-b'))]);
      expect(again.status, again.stderr).toBe(0);
      expect(custom()).toBe(b.id);
      expect(generation()).not.toBe(genA);
    }, 120_000);
  }

  it('killed, then the same --confirm run again finishes the switch', async () => {
    expect((await gate(['--confirm', b.id.slice(0, 12)], { STANDIN_KILL_AT: `tag ${b.id} localhost/lychd:custom` })).status).toBeNull();
    const r = await gate(['--confirm', b.id.slice(0, 12)]);
    expect(r.status, r.stderr).toBe(0);
    expect(custom()).toBe(b.id);
    expect(generation()).not.toBe(genA);
    expect(state().running).toContain('vessel.service');
  }, 120_000);
});

describe('a confirmation that fails at a step puts the old body back', () => {
  const steps = [
    { step: 'podman cannot name the new body', at: () => `tag ${b.id} localhost/lychd:custom` },
    { step: 'systemd cannot reload', at: () => 'daemon-reload' },
    { step: 'the Vessel fails to start', at: () => 'systemctl --user restart' },
  ];
  for (const { step, at } of steps) {
    it(`when ${step}: exit 1, the old image and generation, saying so`, async () => {
      const r = await gate(['--confirm', b.id.slice(0, 12)], { STANDIN_FAIL_AT: at() });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`The host is back on the old body ${a.id.slice(0, 12)}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(custom()).toBe(a.id);
      expect(generation()).toBe(genA);
    }, 120_000);
  }
});

it('refuses a stale candidate: the loaded candidate is no longer the reviewed one', async () => {
  const calls = path.join(tmp, 'state', 'calls.log');
  const s = state();
  s.tags['localhost/lychd:candidate'] = a.id;
  fs.writeFileSync(path.join(tmp, 'state', 'state.json'), JSON.stringify(s));
  const before = fs.readFileSync(calls, 'utf8').length;
  const r = await gate(['--confirm', b.id.slice(0, 12)]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(
    `Refused: localhost/lychd:candidate is ${a.id.slice(0, 12)}, not the reviewed candidate ${b.id.slice(0, 12)} (stale)`,
  );
  expect(fs.readFileSync(calls, 'utf8').slice(before)).not.toMatch(/tag|restart|daemon-reload/);
  expect(custom()).toBe(a.id);
  expect(generation()).toBe(genA);
}, 120_000);

describe('a damaged journal stops the Gate, saying what the host holds and how to recover', () => {
  const journal = () => path.join(path.dirname(site()), `.lychd-rebirth-${path.basename(site())}`, 'journal.json');
  /** A confirmation killed half way leaves a true journal; the cases below damage it. */
  async function interrupted(): Promise<string> {
    expect((await gate(['--confirm', b.id.slice(0, 12)], { STANDIN_KILL_AT: `tag ${b.id} localhost/lychd:custom` })).status).toBeNull();
    return fs.readFileSync(journal(), 'utf8');
  }
  const damage: Record<string, (good: string) => string> = {
    'cut short': (good) => good.slice(0, good.length / 2),
    'an empty object': () => '{}\n',
    'one naming a path outside the store, with its checksum recomputed': (good) => {
      const { sha256: _, ...body } = JSON.parse(good);
      const evil = { ...body, to: '../../../../etc', toImage: 'sha256:x' };
      return JSON.stringify({ ...evil, sha256: sha256(canonicalJson(evil)) });
    },
    'one edited by hand (the checksum no longer matches)': (good) => good.replace(/"restart": \[/, '"restart": [\n    "evil.service",'),
  };
  for (const [kind, spoil] of Object.entries(damage))
    it(`${kind}: review, --rollback and --confirm refuse and change nothing; moved aside, the way the message names works`, async () => {
      fs.writeFileSync(journal(), spoil(await interrupted()));
      const calls = path.join(tmp, 'state', 'calls.log');
      const before = { tags: state().tags, generation: generation(), calls: fs.readFileSync(calls, 'utf8').length };
      const review = ['--image', b.dir, '--synthesis', SYNTHESIS, '--codex', path.join(tmp, 'codex-b')];
      for (const args of [review, ['--rollback'], ['--confirm', b.id.slice(0, 12)]]) {
        const r = await gate(args);
        expect(r.status, `rebirth ${args.join(' ')}: ${r.stdout}`).toBe(1);
        expect(r.stderr).toContain(`The Rebirth Gate's journal ${journal()} is damaged`);
        expect(r.stderr).toMatch(/image: +localhost\/lychd:custom [0-9a-f]{12}/);
        expect(r.stderr).toContain(`generation:   ${path.basename(generation()).replace(/^gen-/, '')}`);
        expect(r.stderr).toContain(`mv ${journal()} ${journal()}.damaged`);
        expect(r.stderr).not.toMatch(/Cannot read properties|\n\s+at /);
      }
      expect(state().tags).toEqual(before.tags);
      expect(generation()).toBe(before.generation);
      expect(fs.readFileSync(calls, 'utf8').slice(before.calls)).not.toMatch(/^podman (tag|untag)|restart|daemon-reload/m);

      // Killed before the pointers moved: the staged candidate is the way forward the message names.
      const id = b.id.slice(0, 12);
      expect((await gate(['--rollback'])).stderr).toContain(`\`lychd-forge rebirth --confirm ${id}\` switches to the staged candidate`);
      fs.renameSync(journal(), `${journal()}.damaged`);
      const done = await gate(['--confirm', id]);
      expect(done.status, done.stderr).toBe(0);
      expect(custom()).toBe(b.id);
      expect(generation()).not.toBe(genA);
    }, 120_000);
});

it('two confirmations at once: one switches, the other is refused naming it, and the Vessel restarts once', async () => {
  const calls = path.join(tmp, 'state', 'calls.log');
  const start = fs.readFileSync(calls, 'utf8').length;
  const first = gate(['--confirm', b.id.slice(0, 12)], { STANDIN_SLOW_AT: 'daemon-reload' });
  const gateDir = path.join(path.dirname(site()), `.lychd-rebirth-${path.basename(site())}`);
  for (let i = 0; i < 200 && !fs.existsSync(path.join(gateDir, 'journal.json')); i++) await new Promise((r) => setTimeout(r, 50));
  const second = await gate(['--confirm', b.id.slice(0, 12)]);
  expect(second.status).toBe(1);
  expect(second.stderr).toMatch(
    /^error\[LYCHD703\]: Refused: another `lychd-forge rebirth` \(pid \d+\) is changing this host\. Nothing changed\./,
  );
  const done = await first;
  expect(done.status, done.stderr).toBe(0);
  expect(custom()).toBe(b.id);
  expect(
    fs
      .readFileSync(calls, 'utf8')
      .slice(start)
      .match(/restart -- vessel\.service/g),
  ).toHaveLength(1);
  // The lock is free again: the next run is not refused.
  expect((await gate(['--rollback'])).status).toBe(0);
}, 120_000);
