import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { a, b, custom, gate, genA, generation, site, stage, state, SYNTHESIS, tmp } from './gate-host';

/**
 * The Rebirth Gate interrupted at each step of a confirmation: the real command line, killed
 * (SIGKILL) or failed by podman or a unit at that step, then asked to finish or to go back; and
 * two confirmations at once. The host is gate-host.ts's.
 */

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
