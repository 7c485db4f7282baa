import { describe, expect, it } from 'vitest';
import { runCovens } from '../../tools/src/cli/covens';
import { printed } from '../support/run';
import { covenMap, covenMermaid, covenTable, covenTargets, renderGeneration, soulstoneRoster } from '../../tools/src/scribe';
import { dryRunQuadlets } from '../../tools/src/toolchain';
import { skipWithout } from '../toolchain/tool-gate';
import { CASES, installed, loadCase, parseUnitText, values, WORKSPACE } from './helpers';
import { join } from 'node:path';

const noQuadlet = skipWithout('quadlet');

describe('lychd-forge covens: which soulstones exclude which', () => {
  it.skipIf(noQuadlet).each(CASES)('%s: every row is exactly the Conflicts= systemd sees, both ways', (name) => {
    const codex = loadCase(name);
    const dry = dryRunQuadlets(installed(renderGeneration(codex)));
    expect(dry.ok).toBe(true);
    const files = renderGeneration(codex);
    const pod = parseUnitText(dry.services.get('lychd-pod.service')!);
    // What the pod starts: the members it wants itself, and those of the coven target it wants.
    const viaTarget = values(pod, 'Unit', 'Wants')
      .flatMap((v) => v.split(' '))
      .filter((u) => u.endsWith('.target'))
      .flatMap((t) => values(parseUnitText(files.get(t)!), 'Unit', 'Requires').flatMap((v) => v.split(' ')));
    const podWants = values(pod, 'Unit', 'Wants').flatMap((v) => v.split(' '));
    for (const row of covenMap(soulstoneRoster(codex))) {
      const service = parseUnitText(dry.services.get(`${row.unit}.service`)!);
      const conflicts = values(service, 'Unit', 'Conflicts').flatMap((v) => v.split(' '));
      expect(conflicts.sort(), row.unit).toEqual(row.excludes.map((u) => `${u}.service`).sort());
      const started = podWants.includes(`${row.unit}.service`) || viaTarget.includes(`${row.unit}.service`);
      expect(started, row.unit).toBe(row.startsWithPod);
    }
    for (const t of covenTargets(soulstoneRoster(codex))) {
      const unit = parseUnitText(files.get(t.target)!);
      expect(values(unit, 'Unit', 'Requires'), t.target).toEqual([t.starts.map((u) => `${u}.service`).join(' ')]);
      expect(values(unit, 'Unit', 'Conflicts'), t.target).toEqual(t.stops.length ? [t.stops.map((u) => `${u}.service`).join(' ')] : []);
      expect(podWants.includes(t.target), t.target).toBe(t.wantedByPod);
    }
  });

  it('prints the example as a table and as a Mermaid picture', () => {
    const paths = { workspaceRoot: WORKSPACE, codexDir: join(WORKSPACE, 'codex'), extensionsDir: join(WORKSPACE, 'extensions') };
    let r = printed(runCovens(paths, 'table'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "soulstone                  covens                starts with pod  excludes (Conflicts=)
      soulstone-browser          (none)                yes              -
      soulstone-eye              vision-ritual         yes              soulstone-ledger, soulstone-private-runtime, soulstone-titan
      soulstone-ledger           scriptorium           no               soulstone-eye, soulstone-private-runtime, soulstone-scribe, soulstone-titan, soulstone-whisper
      soulstone-private-runtime  deep-think            no               soulstone-eye, soulstone-ledger, soulstone-scribe, soulstone-whisper
      soulstone-scribe           vision-ritual         yes              soulstone-ledger, soulstone-private-runtime, soulstone-titan
      soulstone-titan            deep-think            no               soulstone-eye, soulstone-ledger, soulstone-scribe, soulstone-whisper
      soulstone-whisper          vision-ritual, voice  yes              soulstone-ledger, soulstone-private-runtime, soulstone-titan

      coven target                with the pod  starts (Requires=)                                  stops (Conflicts=)
      coven-deep-think.target     no            soulstone-private-runtime, soulstone-titan          soulstone-eye, soulstone-ledger, soulstone-scribe, soulstone-whisper
      coven-scriptorium.target    no            soulstone-ledger                                    soulstone-eye, soulstone-private-runtime, soulstone-scribe, soulstone-titan, soulstone-whisper
      coven-vision-ritual.target  yes           soulstone-eye, soulstone-scribe, soulstone-whisper  soulstone-ledger, soulstone-private-runtime, soulstone-titan
      coven-voice.target          no            soulstone-whisper                                   soulstone-eye, soulstone-ledger, soulstone-private-runtime, soulstone-scribe, soulstone-titan
      "
    `);
    r = printed(runCovens(paths, 'mermaid'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "flowchart LR
        s0["soulstone-browser<br/>no coven"]
        s1["soulstone-eye<br/>covens: vision-ritual"]
        s2["soulstone-ledger<br/>covens: scriptorium"]
        s3["soulstone-private-runtime<br/>covens: deep-think"]
        s4["soulstone-scribe<br/>covens: vision-ritual"]
        s5["soulstone-titan<br/>covens: deep-think"]
        s6["soulstone-whisper<br/>covens: vision-ritual, voice"]
        s1 x--x s2
        s1 x--x s3
        s1 x--x s5
        s2 x--x s3
        s2 x--x s4
        s2 x--x s5
        s2 x--x s6
        s3 x--x s4
        s3 x--x s6
        s4 x--x s5
        s5 x--x s6
        classDef boot stroke-width:3px
        class s0,s1,s4,s6 boot
      "
    `);
  });

  it('draws each excluding pair once, and nothing for soulstones that may run together', () => {
    const rows = covenMap({
      podmanVersion: '5.4',
      defaultCoven: 'a',
      soulstones: [
        { unit: 'soulstone-x', groups: ['a'] },
        { unit: 'soulstone-y', groups: ['a', 'b'] },
        { unit: 'soulstone-z', groups: ['b'] },
      ],
    });
    expect(covenMermaid(rows).match(/x--x/g)).toHaveLength(1);
    expect(covenMermaid(rows)).toContain('s0 x--x s2');
    expect(covenTable(rows).split('\n')[1]).toMatch(/^soulstone-x\s+a\s+yes\s+soulstone-z$/);
  });
});
