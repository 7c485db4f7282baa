import { describe, expect, it } from 'vitest';
import { soulstones, type Codex, type SoulstoneRune } from '../../tools/src/codex';
import { renderGeneration } from '../../tools/src/scribe';
import { dryRunQuadlets } from '../../tools/src/toolchain';
import { skipWithout } from '../toolchain/tool-gate';
import { execStartArgv, installed, loadCase, optionValues, parseUnitText, values } from './helpers';

const noQuadlet = skipWithout('quadlet');

/** The generated service of every unit, through the real quadlet generator. */
function services(codex: Codex): Map<string, string> {
  const dry = dryRunQuadlets(installed(renderGeneration(codex)));
  expect(dry.errors).toEqual([]);
  expect(dry.ok).toBe(true);
  return dry.services;
}

function edited(edit: (rune: SoulstoneRune) => void, name: string): Codex {
  const codex = structuredClone(loadCase('runtimes'));
  edit(soulstones(codex).find((r) => r.config.name === name)!);
  return codex;
}

/** What podman is asked to do about health, read back from ExecStart=. */
function health(service: string) {
  const argv = execStartArgv(service);
  const one = (flag: string) => optionValues(argv, flag)[0];
  return {
    cmd: one('--health-cmd'),
    sdnotify: argv.find((a) => a.startsWith('--sdnotify='))?.slice('--sdnotify='.length),
    onFailure: one('--health-on-failure'),
    startupCmd: one('--health-startup-cmd'),
    startupRetries: one('--health-startup-retries'),
    startPeriod: one('--health-start-period'),
    interval: one('--health-interval'),
    startupInterval: one('--health-startup-interval'),
    retries: one('--health-retries'),
    timeout: one('--health-timeout'),
    timeoutStartSec: values(parseUnitText(service), 'Service', 'TimeoutStartSec')[0],
  };
}

describe.skipIf(noQuadlet)('readiness: health checks through the real generator', () => {
  const codex = loadCase('runtimes');
  const all = services(codex);

  it('every engine (vLLM, SGLang, llama.cpp) checks /health on its port, waits for healthy, restarts when it stops answering', () => {
    const engines = soulstones(codex).filter((r) => r.family !== 'soulstone-generic');
    expect(new Set(engines.map((r) => r.config.runtime))).toEqual(new Set(['vllm', 'sglang', 'llamacpp']));
    for (const r of engines) {
      expect(health(all.get(`soulstone-${r.config.name}.service`)!), r.config.name).toEqual({
        cmd: `curl -fsS -o /dev/null http://127.0.0.1:${r.config.port}/health`,
        sdnotify: 'healthy',
        onFailure: 'kill',
        // The startup check gates the regular one; no start period hides a hang (health.ts).
        startupCmd: `curl -fsS -o /dev/null http://127.0.0.1:${r.config.port}/health`,
        startupRetries: '0',
        startPeriod: undefined,
        interval: '10s',
        startupInterval: '10s',
        retries: '3',
        timeout: '10s',
        timeoutStartSec: '1800',
      });
      expect(values(parseUnitText(all.get(`soulstone-${r.config.name}.service`)!), 'Service', 'Restart')).toEqual(['on-failure']);
    }
  });

  it('a generic soulstone has no check unless it names one (a path or a command)', () => {
    const plain = health(all.get('soulstone-plain.service')!);
    expect(plain.cmd).toBeUndefined();
    expect(plain.sdnotify).toBe('conmon');
    const byPath = health(services(edited((r) => (r.config.health_path = '/ready'), 'plain')).get('soulstone-plain.service')!);
    const port = soulstones(codex).find((r) => r.config.name === 'plain')!.config.port;
    expect([byPath.cmd, byPath.sdnotify]).toEqual([`curl -fsS -o /dev/null http://127.0.0.1:${port}/ready`, 'healthy']);
    const byCmd = health(services(edited((r) => (r.config.health_cmd = 'pgrep -x server'), 'plain')).get('soulstone-plain.service')!);
    expect([byCmd.cmd, byCmd.sdnotify]).toEqual(['pgrep -x server', 'healthy']);
  });

  it('the timeouts are rune fields, and health_check = false turns the check off', () => {
    const slow = health(
      services(
        edited((r) => {
          r.config.start_timeout = 3600;
          r.config.health_interval = 30;
          r.config.health_retries = 5;
          r.config.health_timeout = 20;
        }, 'kinetic'),
      ).get('soulstone-kinetic.service')!,
    );
    expect(slow).toMatchObject({ interval: '30s', startupInterval: '30s', retries: '5', timeout: '20s', timeoutStartSec: '3600' });
    const off = health(services(edited((r) => (r.config.health_check = false), 'kinetic')).get('soulstone-kinetic.service')!);
    expect([off.cmd, off.sdnotify]).toEqual([undefined, 'conmon']);
  });

  it('the Vessel checks its /health with its own interpreter and is restarted when it stops answering', () => {
    const vessel = health(all.get('vessel.service')!);
    expect(vessel).toMatchObject({ sdnotify: 'healthy', onFailure: 'kill', startupRetries: '0', startPeriod: undefined });
    expect(vessel.startupCmd).toBe(vessel.cmd);
    expect(vessel.cmd).toBe(
      `/app/.venv/bin/python -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:${codex.prime.vessel.port}/health", timeout=5)'`,
    );
  });

  it("the Vessel's and the Phylactery's regular checks run every health_interval (30 s unless set), their startup checks every 10 s", () => {
    for (const service of ['vessel', 'phylactery'] as const)
      expect(health(all.get(`${service}.service`)!), service).toMatchObject({
        interval: '30s',
        startupInterval: '10s',
        retries: '3',
        timeout: '10s',
      });
    const edited = structuredClone(codex);
    edited.prime.vessel.health_interval = 5;
    edited.prime.phylactery.health_interval = 120;
    const again = services(edited);
    expect(health(again.get('vessel.service')!)).toMatchObject({ interval: '5s', startupInterval: '10s' });
    expect(health(again.get('phylactery.service')!)).toMatchObject({ interval: '120s', startupInterval: '10s' });
  });

  it("each core service's start is bounded by its start_timeout (900 s unless set): a first start pulls and runs initdb", () => {
    for (const service of ['vessel', 'phylactery', 'oculus'] as const)
      expect(health(all.get(`${service}.service`)!).timeoutStartSec, service).toBe('900');
    const edited = structuredClone(codex);
    edited.prime.phylactery.start_timeout = 2400;
    expect(health(services(edited).get('phylactery.service')!).timeoutStartSec).toBe('2400');
  });
});
