import { describe, expect, it } from 'vitest';
import { covenToSwitchTo, judgeSwitch } from './coven-switch';

const stones = [
  { name: 'eye', groups: ['vision'] },
  { name: 'whisper', groups: ['vision', 'voice'] },
  { name: 'titan', groups: ['deep'] },
  { name: 'browser', groups: [] },
];
const UNITS = [...stones.map((s) => `soulstone-${s.name}.service`), 'coven-deep.target', 'coven-vision.target', 'coven-voice.target'];
const states = (active: string[]) => UNITS.map((u) => ` ${u}=${active.includes(u) ? 'active' : 'inactive'}`).join('');
const before = `before:${states(['soulstone-eye.service', 'soulstone-browser.service'])}`;

describe('the coven switch of the VM test', () => {
  it('switches to a coven apart from the default one', () => {
    expect(covenToSwitchTo(stones, 'vision')).toBe('deep');
    expect(covenToSwitchTo(stones, 'deep')).toBe('vision');
    expect(covenToSwitchTo([stones[1]!], 'vision')).toBe('voice');
  });

  it('accepts exactly the states the coven rule gives', () => {
    const after = `start deep rc=0 seconds=74:${states(['soulstone-titan.service', 'soulstone-browser.service', 'coven-deep.target'])}`;
    expect(judgeSwitch(stones, [before, after])).toEqual({ switch: { coven: 'deep', rc: 0, seconds: 74 }, problems: [] });
  });

  it('reports a soulstone of another coven left running, a stopped coven-less one, a stale target and a failed start', () => {
    const after = `start voice rc=1 seconds=9:${states(['soulstone-whisper.service', 'soulstone-eye.service', 'coven-voice.target', 'coven-vision.target'])}`;
    expect(judgeSwitch(stones, [before, after]).problems).toEqual([
      'systemctl --user start coven-voice.target exited 1',
      'after starting coven-voice.target, soulstone-eye.service is active',
      'after starting coven-voice.target, soulstone-browser.service is inactive',
      'after starting coven-voice.target, coven-vision.target is active',
    ]);
  });

  it('reports a switch that had nothing to stop', () => {
    const idle = `before:${states(['soulstone-browser.service'])}`;
    const after = `start deep rc=0 seconds=9:${states(['soulstone-titan.service', 'soulstone-browser.service', 'coven-deep.target'])}`;
    expect(judgeSwitch(stones, [idle, after]).problems).toEqual([
      'before the switch no soulstone outside deep ran, so no stop could be observed',
    ]);
  });
});
