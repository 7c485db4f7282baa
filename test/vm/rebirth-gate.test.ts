import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationInput } from '../../tools/src/codex/registry';
import { loadCodex, soulstones, VESSEL_USER } from '../../tools/src/codex';
import { renderGeneration } from '../../tools/src/scribe';
import { skipWithout, REQUIRE_TOOLS } from '../toolchain/tool-gate';
import { execFile } from 'node:child_process';
import { boot, type BootResult } from './qemu';
import { IMAGE_REFS } from './images';
import { judge, planStarts, type Stone } from './covens';
import { covenToSwitchTo, judgeSwitch } from './coven-switch';

/**
 * The Rebirth Gate on a real host: one boot of a Debian trixie VM (systemd, rootless podman,
 * lingering user) runs scenario.sh; this file prepares its inputs and checks what it left.
 * Minutes under TCG: see docs/rebirth.md.
 */
const ROOT = path.resolve(__dirname, '../..');
const isRoot = process.getuid?.() === 0;
const skip = skipWithout('qemu-system-x86_64', 'qemu-img', 'mmdebstrap', 'buildah', 'skopeo') || (!isRoot && !REQUIRE_TOOLS);
if (!isRoot && !REQUIRE_TOOLS)
  console.warn('[vm test] SKIPPING: building the VM disk and the images needs root (mmdebstrap --mode=root, buildah).');

/** One part of prepare.ts in a child process (its buildah and mmdebstrap runs block for minutes); its last line of output. */
function prepareInChild(
  part: 'packForge' | 'guestDisk' | 'prepareServices' | 'prepareCandidates',
  args: string[],
  prefix: string,
): Promise<string> {
  const script =
    `require(${JSON.stringify(path.join(ROOT, 'tools/bin/register.js'))});` +
    `Promise.resolve(require(${JSON.stringify(path.join(__dirname, 'prepare.ts'))}).${part}(...process.argv.slice(1)))` +
    `.then((v) => process.stdout.write(String(v) + '\\n'));`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', script, ...args],
      { maxBuffer: 16 * 1024 * 1024, timeout: 3_600_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`preparing the VM failed: ${err.message}\n${stderr}`)) : resolve(stdout.trim().split('\n').pop() as string),
    );
    child.stderr?.on('data', (d) => process.stdout.write(`${prefix} ${String(d)}`));
  });
}

const VM_TIMEOUT_MS = Number(process.env.LYCHD_VM_TIMEOUT_S ?? 3600) * 1000;

describe.skipIf(skip)('the Rebirth Gate in a VM', () => {
  let tmp: string;
  let results: string;
  let out: (name: string) => string;
  /** The last lines of a file the scenario may have left, for a failure's message. */
  const tail = (name: string, lines: number) => {
    const file = path.join(results, 'out', name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : `(no ${name})`;
  };
  let run: BootResult;
  let disk: string;
  let codex: NonNullable<ReturnType<typeof loadCodex>['codex']>;
  let stones: Stone[];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(fs.existsSync(path.join(ROOT, 'tmp')) ? path.join(ROOT, 'tmp') : os.tmpdir(), 'vm-'));
    results = path.join(tmp, 'results');
    fs.mkdirSync(path.join(results, 'images'), { recursive: true });
    out = (name) => fs.readFileSync(path.join(results, 'out', name), 'utf8');

    const extensionsDir = path.join(ROOT, 'extensions');
    const loaded = loadCodex({ codexDir: path.join(ROOT, 'codex'), extensionsDir, federation: federationInput(ROOT, extensionsDir) });
    if (!loaded.codex) throw new Error('the example Codex does not load');
    codex = loaded.codex;
    const files = renderGeneration(codex);
    const units = [...files.values()].join('\n');
    const images = [...new Set([...units.matchAll(/^Image=(.+)$/gm)].map((m) => m[1] as string))].filter(
      (i) => i !== 'localhost/lychd:custom',
    );
    // The Phylactery and the Harvester run the real programs; every other image is the stand-in.
    const imageOf = (unit: string) => /^Image=(.+)$/m.exec(files.get(unit) ?? '')?.[1];
    const real = new Map([
      [imageOf('phylactery.container'), IMAGE_REFS.phylactery],
      [imageOf('harvester.container'), IMAGE_REFS.harvester],
    ]);
    const secrets = [...new Set([...units.matchAll(/^Secret=([^,\n]+)/gm)].map((m) => m[1] as string))];
    stones = soulstones(codex).map((s) => ({ name: s.config.name, groups: s.config.groups }));
    const coven = codex.prime.sepulcher.default_coven ?? '';
    const withPod = stones.filter((s) => s.groups.length === 0 || s.groups.includes(coven)).map((s) => s.name);
    fs.writeFileSync(path.join(results, 'soulstones.txt'), `${stones.map((s) => s.name).join('\n')}\n`);
    fs.writeFileSync(path.join(results, 'starts.txt'), `${planStarts(stones, withPod).join('\n')}\n`);
    fs.writeFileSync(path.join(results, 'switch-coven.txt'), `${covenToSwitchTo(stones, coven) ?? ''}\n`);
    fs.writeFileSync(
      path.join(results, 'image-names.txt'),
      images
        .sort()
        .map((i) => `${real.get(i) ?? IMAGE_REFS.standin} ${i}\n`)
        .join(''),
    );
    fs.writeFileSync(path.join(results, 'secret-names.txt'), `${secrets.sort().join('\n')}\n`);
    // Readiness: an engine of the default coven whose stand-in reads control files from /srv/models.
    const ready = soulstones(codex).find(
      (s) =>
        s.family !== 'soulstone-generic' && s.config.groups.includes(coven) && s.config.volumes.some((v) => v.startsWith('/srv/models:')),
    );
    if (!ready) throw new Error('the example has no engine soulstone of the default coven that mounts /srv/models');
    fs.writeFileSync(path.join(results, 'readiness.txt'), `${ready.config.name} ${ready.config.port}\n`);

    [, disk] = await Promise.all([
      prepareInChild('packForge', [tmp, results], '[vm prepare]'),
      prepareInChild('guestDisk', [], '[vm disk]'),
    ]);
    // The services' images and the candidates build while the VM boots. A failed build leaves
    // host-failed, which stops the guest where it waits for what the host builds, and fails the
    // test after the VM is down.
    const onHost = (built: Promise<string>) =>
      built.then(
        () => undefined,
        (err: Error) => {
          fs.appendFileSync(path.join(results, 'host-failed'), `${err.message}\n`);
          return err;
        },
      );
    const hostBuilds = Promise.all([
      onHost(prepareInChild('prepareServices', [tmp, disk, results], '[vm services]')),
      onHost(prepareInChild('prepareCandidates', [results], '[vm candidates]')),
    ]);
    fs.writeFileSync(path.join(results, 'entry.sh'), `exec sh /mnt/work/test/vm/scenario.sh\n`);
    run = await boot({
      disk,
      workspace: ROOT,
      results,
      scratch: tmp,
      timeoutMs: VM_TIMEOUT_MS,
      onLine: (line) => process.stdout.write(`[vm] ${line}\n`),
    });
    const panics = run.kernelPanics.length ? `; booted again after ${run.kernelPanics.length} kernel panic(s) at boot` : '';
    process.stdout.write(`[vm] finished in ${run.seconds} s${run.timedOut ? ' (TIMED OUT)' : ''}${panics}\n`);
    const failed = (await hostBuilds).find((e) => e !== undefined);
    if (failed) throw failed;
  }, VM_TIMEOUT_MS + 3_600_000);

  afterAll(() => {
    if (tmp && process.env.LYCHD_VM_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  });

  const id = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).imageId.replace('sha256:', '') as string;
  const candidate = (v: 'a' | 'b') => id(path.join(results, 'images', `candidate-${v}`, 'image.json'));

  it('runs the whole scenario, powering the VM off once and booting it again', () => {
    expect(run.timedOut, 'the VM hit its timeout').toBe(false);
    // Each boot's entry.sh: the scenario, then step 6 after the power cycle.
    expect(run.exitCodes).toEqual([0, 0]);
  });

  it('1. binds, stages (changing nothing) and confirms the image', () => {
    expect(out('bind.rc').trim(), `${out('bind.txt')}\n${tail('user-journal.txt', 80)}`).toBe('0');
    expect(out('stage-a.rc').trim()).toBe('1');
    expect(out('stage-a.txt')).toContain(`To apply it: lychd-forge rebirth --confirm ${candidate('a').slice(0, 12)}`);
    // The scenario stops here when it failed: what it said, and the end of the user's journal.
    expect(out('confirm-a.rc').trim(), `${out('confirm-a.txt')}\n${tail('user-journal.txt', 80)}`).toBe('0');
  });

  it('2. the pod runs the core services and the default coven; the Vessel runs the new image as the host user', () => {
    const states = new Map(
      out('units-after-start.txt')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string, string])
        .map(([u, a, s]) => [u, `${a}/${s}`]),
    );
    for (const u of ['lychd-pod', 'vessel', 'phylactery', 'oculus', 'harvester', 'scribe'])
      expect(states.get(`${u}.service`), u).toBe('active/running');
    const coven = codex.prime.sepulcher.default_coven ?? '';
    for (const s of soulstones(codex)) {
      const inDefault = s.config.groups.includes(coven) || s.config.groups.length === 0;
      if (inDefault) expect(states.get(`soulstone-${s.config.name}.service`), s.config.name).toBe('active/running');
    }
    expect(out('vessel-image-a.txt').trim()).toBe(candidate('a'));
    // keep-id:uid=10001: the host user (uid 1000, lychd) is the image's own user (10001, lychd).
    const [huser, user] = out('vessel-user.txt').trim().split('\n')[1]?.trim().split(/\s+/) ?? [];
    expect(huser).toMatch(/^(lychd|1000)$/);
    expect(user).toMatch(new RegExp(`^(${VESSEL_USER.name}|${VESSEL_USER.uid})$`));
    // The secrets the Vessel's unit mounts are readable by it.
    expect(out('vessel-secret.txt')).toBe('vm-test-secret');
    const health = JSON.parse(out('health-a.json'));
    expect(health.status).toBe('ok');
    expect(Object.keys(health.extensions)).toEqual(codex.extensions);
    for (const addr of out('listeners.txt').trim().split('\n'))
      expect(addr, 'a port open beyond loopback').toMatch(/^(127\.0\.0\.1|\[::1\]):\d+$/);
  });

  /** The database part of a /health answer: the Vessel reached PostgreSQL and pgvector answered. */
  const database = (file: string) => {
    const answer = JSON.parse(out(file));
    expect(answer.status, file).toBe('ok');
    expect(answer.database, file).toMatchObject({ ok: true, server: expect.stringMatching(/^17\./), probe: 2 });
    expect(answer.database.vector, file).toMatch(/^0\.\d+\.\d+$/);
  };
  /** rows.txt: `<moment>: <count> <labels in order>` after each step. */
  const rows = () =>
    new Map(
      out('rows.txt')
        .trim()
        .split('\n')
        .map((l) => /^(\S+): (\d+) (\S*)$/.exec(l) ?? [l, l, '-1', ''])
        .map(([, moment, count, labels]) => [moment as string, { count: Number(count), labels: (labels as string).split(',') }]),
    );

  it('2b. the Phylactery runs PostgreSQL 17 with pgvector as the image contract says; the Vessel reaches it', () => {
    expect(out('pg-version.txt')).toMatch(/^PostgreSQL 17\./);
    database('health-a.json');
    const [inside, host] = out('pgdata-owner.txt').trim().split('\n');
    // The pod's UserNS=keep-id:uid=10001,gid=10001 runs the server as 10001, the host user
    // mapped in, and :U gave it the volume: on the host the cluster is the user's own files.
    expect(inside).toBe(`${VESSEL_USER.uid}:${VESSEL_USER.uid} 700`);
    expect(host).toBe('1000:1000');
  });

  it("2b. the Harvester's Prometheus reads the generated configuration and scrapes every running soulstone", () => {
    const answer = JSON.parse(out('targets.json')) as {
      data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
    };
    const seen = new Map(answer.data.activeTargets.map((t) => [t.labels.soulstone ?? t.labels.job, t]));
    const coven = codex.prime.sepulcher.default_coven ?? '';
    expect([...seen.keys()].sort()).toEqual(['vessel', ...stones.map((s) => s.name)].sort());
    expect(seen.get('vessel')?.health, seen.get('vessel')?.lastError).toBe('up');
    for (const s of soulstones(codex)) {
      const running = s.config.groups.length === 0 || s.config.groups.includes(coven);
      expect(seen.get(s.config.name)?.health, `${s.config.name}: ${seen.get(s.config.name)?.lastError}`).toBe(running ? 'up' : 'down');
    }
  });

  it('3. starting a soulstone stops exactly those it shares no coven with; no ordering cycle', () => {
    const { observed, problems } = judge(stones, out('starts.txt').trim().split('\n'));
    process.stdout.write(
      `[vm] pair matrix (started -> other: covens shared?, observed):\n${observed
        .map(
          (o) =>
            `[vm]   ${o.started} -> ${o.other}: ${o.shareCoven ? 'share a coven' : 'no shared coven'}, ${o.kept ? 'kept running' : 'stopped'}`,
        )
        .join('\n')}\n`,
    );
    expect(problems).toEqual([]);
    expect(out('user-journal.txt')).not.toMatch(/ordering cycle|order is cyclic/i);
  });

  it('3b. a soulstone counts as started only once healthy, and one that stops answering is killed and restarted', () => {
    const start = Object.fromEntries(
      out('readiness-start.txt')
        .trim()
        .split(' ')
        .map((kv) => kv.split('=') as [string, string]),
    );
    // The stand-in answers /health only 20 s after it started: `systemctl start` waited for it.
    expect(start).toMatchObject({ rc: '0', health: 'healthy' });
    expect(Number(start.seconds)).toBeGreaterThanOrEqual(20);
    const [, before, after] = /restarts=(\d+)->(\d+) state=(\S+) health=(\S+)/.exec(out('readiness-restart.txt')) ?? [];
    expect(Number(after), out('readiness-restart.txt')).toBeGreaterThan(Number(before));
    expect(out('readiness-restart.txt')).toMatch(/state=active health=healthy/);
  });

  it('3c. starting coven-<name>.target stops the running coven and starts that one', () => {
    const { switch: done, problems } = judgeSwitch(stones, out('coven-switch.txt').trim().split('\n'));
    process.stdout.write(`[vm] coven switch:\n[vm]   ${out('coven-switch.txt').trim().split('\n').join('\n[vm]   ')}\n`);
    expect(done?.coven).toBe(covenToSwitchTo(stones, codex.prime.sepulcher.default_coven));
    expect(problems).toEqual([]);
    // The target reached systemd as bind's link through the site's lychd link.
    expect(out('coven-links.txt')).toMatch(
      new RegExp(`coven-${done?.coven}\\.target -> .*/containers/systemd/lychd/coven-${done?.coven}\\.target`),
    );
  });

  it('4. an edited extension: review changes nothing, a wrong id is refused, the right id restarts the Vessel, rollback returns', () => {
    const a = candidate('a');
    const b = candidate('b');
    expect(b).not.toBe(a);
    expect(out('stage-b.rc').trim()).toBe('1');
    expect(out('stage-b.txt')).toContain(`-> candidate ${b.slice(0, 12)}`);
    expect(out('vessel-image-after-review.txt').trim()).toBe(a);
    expect(out('confirm-wrong.rc').trim()).toBe('1');
    expect(out('confirm-wrong.txt')).toMatch(/Refused/);
    expect(out('vessel-image-after-wrong.txt').trim()).toBe(a);
    expect(out('confirm-b.rc').trim()).toBe('0');
    expect(out('vessel-image-b.txt').trim()).toBe(b);
    const oracle = (f: string) => JSON.parse(out(f)).extensions.oracle.sources as string;
    expect(oracle('health-a.json')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(oracle('health-b.json')).not.toBe(oracle('health-a.json'));
    expect(out('rollback.rc').trim()).toBe('0');
    expect(out('vessel-image-rollback.txt').trim()).toBe(a);
    expect(oracle('health-rollback.json')).toBe(oracle('health-a.json'));
    expect(out('generation-rollback.txt')).toBe(out('generation-a.txt'));
    const r = rows();
    expect(r.get('confirm-b')?.labels).toEqual(['first', 'before-b']);
    expect(r.get('rollback')?.labels).toEqual(['first', 'before-b', 'before-rollback']);
  });

  it('5. a confirmation SIGKILLed at each step on the real host is finished or undone, losing no row', () => {
    const a = candidate('a');
    const b = candidate('b');
    const lines = out('kills.txt').trim().split('\n');
    process.stdout.write(`[vm] kills:\n[vm]   ${lines.join('\n[vm]   ')}\n`);
    const expected = [b, b, a, a]; // confirm finishes, rollback returns: see kills.sh
    for (const [i, on] of expected.entries()) {
      const n = i + 1;
      expect(lines, `round ${n}`).toContainEqual(expect.stringMatching(new RegExp(`^round ${n}: --confirm .*: rc=137 killed=yes$`)));
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^round ${n}: then --\\S+: rc=0 vessel=${on} `)));
      database(`health-kill-${n}.json`);
      expect(rows().get(`kill-${n}`)?.labels.at(-1)).toBe(`before-kill-${n}`);
    }
  });

  it('6. after a power cycle the pod comes back by itself, on the last confirmed body, with every row', () => {
    database('health-reboot.json');
    for (const line of out('units-after-reboot.txt').trim().split('\n')) expect(line).toMatch(/ active running$/);
    expect(out('vessel-image-reboot.txt').trim()).toBe(candidate('a'));
    const r = rows();
    const all = ['first', 'before-b', 'before-rollback', 'before-kill-1', 'before-kill-2', 'before-kill-3', 'before-kill-4'];
    expect(r.get('reboot')).toEqual({ count: all.length, labels: all });
    // Nothing was ever lost: each count holds every row written before it.
    for (const [moment, { count, labels }] of r) expect(count, moment).toBe(labels.length);
  });

  it("a guest kernel that panics before the scenario's unit is booted again twice at most, then reported", async () => {
    // The same kernel without its initramfs cannot mount the root: it panics in every boot.
    const dir = fs.mkdtempSync(path.join(tmp, 'panic-'));
    for (const sub of ['disk', 'results']) fs.mkdirSync(path.join(dir, sub));
    fs.copyFileSync(path.join(disk, 'vmlinuz'), path.join(dir, 'disk', 'vmlinuz'));
    fs.writeFileSync(path.join(dir, 'disk', 'initrd.img'), '');
    fs.writeFileSync(path.join(dir, 'disk', 'disk.raw'), Buffer.alloc(1 << 20));
    const lines: string[] = [];
    const r = await boot({
      disk: path.join(dir, 'disk'),
      workspace: dir,
      results: path.join(dir, 'results'),
      scratch: dir,
      timeoutMs: 300_000,
      onLine: (l) => lines.push(l),
    });
    expect(r.timedOut).toBe(false);
    expect(r.kernelPanics).toHaveLength(2);
    // Each is the console's first oops or panic line (qemu's own race could come first: not asserted).
    for (const p of r.kernelPanics) expect(p).toMatch(/^(Oops|BUG|Kernel panic)\b/);
    expect(lines.filter((l) => l.startsWith('== the guest kernel panicked'))).toHaveLength(2);
    // The third panic is not retried: the run ends with one boot that wrote no exit status.
    expect(r.exitCodes).toEqual([undefined]);
  }, 600_000);
});
