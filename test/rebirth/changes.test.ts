import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseChange, formatReview, packageChanges, readImageSummary, type Review } from '../../tools/src/rebirth';
import { fileChanges, serviceOfFile, servicesChanged } from '../../tools/src/inscription';
import type { Body } from '../../tools/src/rebirth/store';
import { ForgeError } from '../../tools/src/diagnostics';
import { main } from '../../tools/src/cli/main';

const lock = (python: Record<string, string>, node: Record<string, string> = {}) => ({
  python: { packages: Object.entries(python).map(([name, version]) => ({ name, version })) },
  node: { packages: Object.entries(node).map(([name, version]) => ({ name, version, path: `node_modules/${name}` })) },
});

describe('what a confirmation would change', () => {
  it('lists packages added, removed and changed, per ecosystem', () => {
    const from = { lock: lock({ httpx: '0.27.0', rich: '13.0.0' }, { clsx: '2.1.1' }), systemPackages: { ffmpeg: '7.1.1-1' } };
    const to = {
      lock: lock({ httpx: '0.28.1', typer: '0.12.0' }, { clsx: '2.1.1' }),
      systemPackages: { ffmpeg: '7.1.1-1', 'tesseract-ocr': '5.5.0-1' },
    };
    expect(packageChanges(from, to)).toEqual([
      { ecosystem: 'python', name: 'httpx', from: '0.27.0', to: '0.28.1' },
      { ecosystem: 'python', name: 'rich', from: '13.0.0' },
      { ecosystem: 'python', name: 'typer', to: '0.12.0' },
      { ecosystem: 'debian', name: 'tesseract-ocr', to: '5.5.0-1' },
    ]);
    expect(packageChanges(undefined, { lock: lock({ httpx: '0.28.1' }), systemPackages: {} })).toEqual([
      { ecosystem: 'python', name: 'httpx', to: '0.28.1' },
    ]);
  });

  it('shows the base when it changed (a re-lock on a new Debian point release), not otherwise', () => {
    const a = { ref: 'debian bookworm', digest: `sha256:${'a'.repeat(64)}` };
    const b = { ref: 'debian bookworm', digest: `sha256:${'b'.repeat(64)}` };
    expect(baseChange(a, b)).toEqual({ from: `debian bookworm sha256:${'a'.repeat(64)}`, to: `debian bookworm sha256:${'b'.repeat(64)}` });
    expect(baseChange(a, { ...a })).toBeUndefined();
    expect(baseChange(undefined, b)).toBeUndefined();
  });

  it('maps quadlet files to services and changed side files to the units that use them', () => {
    expect(
      ['lychd.pod', 'vessel.container', 'lychd-phylactery.volume', 'capabilities.json', 'harvester/prometheus.yml'].map(serviceOfFile),
    ).toEqual(['lychd-pod.service', 'vessel.service', 'lychd-phylactery-volume.service', undefined, undefined]);
    const b = (s: string) => Buffer.from(s);
    const before = new Map([
      ['vessel.container', b('Volume=./capabilities.json:/etc/lychd/capabilities.json:ro\n')],
      ['harvester.container', b('Image=x\n')],
      ['harvester/prometheus.yml', b('a')],
      ['capabilities.json', b('{}')],
      ['soulstone-old.container', b('x')],
    ]);
    const after = new Map([
      ['vessel.container', b('Volume=./capabilities.json:/etc/lychd/capabilities.json:ro\n')],
      ['harvester.container', b('Image=x\n')],
      ['harvester/prometheus.yml', b('b')],
      ['capabilities.json', b('{"x":1}')],
      ['soulstone-new.container', b('x')],
    ]);
    const changes = fileChanges(before, after);
    expect(changes).toEqual([
      { file: 'capabilities.json', change: 'changed' },
      { file: 'harvester/prometheus.yml', change: 'changed' },
      { file: 'soulstone-new.container', change: 'added' },
      { file: 'soulstone-old.container', change: 'removed' },
    ]);
    expect(servicesChanged(changes, after, before)).toEqual([
      'harvester.service',
      'soulstone-new.service',
      'soulstone-old.service',
      'vessel.service',
    ]);
  });

  it('never prints control characters from a lock, a summary, a unit file name or the image name', () => {
    // What a hostile lock, image.json or Codex could carry: cursor and screen controls, a terminal
    // title (OSC), CR and NUL, a C1 CSI, line separators and the bidi overrides that reorder a line.
    const HOSTILE = ['\u001b[2J', '\u001b]0;pwned\u0007', '\r', '\u0000', '\u009b1m', '\u2028', '\u202e', '\u2066', '\u007f'];
    const evil = (s: string) => `${s}${HOSTILE.join('')}`;
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    const unit = `${evil('soulstone-x')}.container`;
    const before = new Map([['vessel.container', Buffer.from('Image=a\n')]]);
    const after = new Map([
      ['vessel.container', Buffer.from('Image=b\n')],
      [unit, Buffer.from('Image=b\n')],
    ]);
    const units = fileChanges(before, after);
    const from = { ref: evil('debian bookworm'), digest: digest('c') };
    const to = { ref: 'debian trixie', digest: digest('d') };
    const candidate: Body = {
      name: 'b',
      dir: '/nonexistent',
      generationDir: '/nonexistent/generation',
      generation: { id: 'f'.repeat(16), files: after },
      lock: lock({ [evil('httpx')]: evil('0.28.1') }, { [evil('clsx')]: '2.1.1' }),
      summary: {
        imageId: digest('b'),
        manifestDigest: digest('e'),
        refName: 'lychd',
        strategy: 'mundane',
        synthesis: digest('f'),
        systemPackages: { [evil('ffmpeg')]: evil('7.1.1-1') },
        base: to,
      },
    };
    const review: Review = {
      imageName: evil('localhost/lychd:custom'),
      currentImage: digest('a'),
      candidate,
      packages: packageChanges(
        { lock: lock({ [evil('httpx')]: '0.27.0' }), systemPackages: {} },
        { lock: candidate.lock, systemPackages: candidate.summary.systemPackages },
      ),
      base: baseChange(from, to),
      units,
      restart: servicesChanged(units, after, before),
      interrupted: `${evil('An earlier switch was interrupted')}\nRun this.`,
    };
    const text = formatReview(review);

    // eslint-disable-next-line no-control-regex
    const unprintable = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
    for (const line of text.split('\n')) expect(line, JSON.stringify(line)).not.toMatch(unprintable);
    // Every hostile value is still shown, made visible, and no name adds a line of its own.
    const x = '\\u{001b}[2J\\u{001b}]0;pwned\\u{0007}\\u{000d}\\u{0000}\\u{009b}1m\\u{2028}\\u{202e}\\u{2066}\\u{007f}';
    expect(text.split('\n')).toEqual([
      `An earlier switch was interrupted${x}`,
      'Run this.',
      '',
      'Rebirth Gate: a candidate is staged; nothing has changed yet.',
      `  body:      localhost/lychd:custom${x} aaaaaaaaaaaa -> candidate bbbbbbbbbbbb (localhost/lychd:candidate)`,
      `  synthesis: ${digest('f')}`,
      '  packages:  3 differ',
      `    ~ python httpx${x} 0.27.0 -> 0.28.1${x}`,
      `    + node clsx${x} 2.1.1`,
      `    + debian ffmpeg${x} 7.1.1-1${x}`,
      `  base:      debian bookworm${x} ${digest('c')} -> debian trixie ${digest('d')}`,
      '  units:     2 differ',
      `    + soulstone-x${x}.container`,
      '    ~ vessel.container',
      `  restarts:  soulstone-x${x}.service vessel.service`,
      '',
      'To apply it: lychd-forge rebirth --confirm bbbbbbbbbbbb',
    ]);
  });
});

const made: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-rebirth-'));
  made.push(d);
  return d;
};
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the image summary', () => {
  it('reports every unusable field at once, naming the file', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'image.json'),
      JSON.stringify({ formatVersion: 1, imageId: 'abc', layout: 'oci', refName: 'lychd', strategy: 'x', systemPackages: {} }),
    );
    let error: unknown;
    try {
      readImageSummary(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForgeError);
    const problems = (error as ForgeError).diagnostics.map((d) => [d.file, d.line, d.field, d.message]);
    const file = path.join(dir, 'image.json');
    expect(problems).toEqual([
      [file, 1, 'strategy', 'Invalid option: expected one of "mundane"|"sovereign"'],
      [file, 1, 'imageId', 'must be "sha256:" and 64 lowercase hex digits'],
      [file, 1, 'manifestDigest', 'is missing'],
      [file, 1, 'diffIds', 'is missing'],
      [file, 1, 'synthesis', 'is missing'],
    ]);
    expect((error as ForgeError).diagnostics[0]?.hint).toBe('build the image again (`npx nx run forge:image`) to write it afresh');
  });

  it('refuses a summary of another format, and a folder without its OCI layout', () => {
    const dir = tempDir();
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    const summary = {
      imageId: digest('1'),
      manifestDigest: digest('2'),
      synthesis: digest('3'),
      diffIds: [],
      layout: 'oci',
      refName: 'lychd',
    };
    fs.writeFileSync(
      path.join(dir, 'image.json'),
      JSON.stringify({ ...summary, formatVersion: 2, strategy: 'mundane', systemPackages: {} }),
    );
    expect(() => readImageSummary(dir)).toThrowError(
      /image\.json:1:\d+: error\[LYCHD804\]: is format 2, written by a newer Forge; this one reads format 1/,
    );
    fs.writeFileSync(
      path.join(dir, 'image.json'),
      JSON.stringify({ ...summary, formatVersion: 1, strategy: 'mundane', systemPackages: {} }),
    );
    expect(() => readImageSummary(dir)).toThrowError(/oci: error\[LYCHD604\]: is not an OCI image layout \(no index\.json\)/);
    expect(readImageSummary(dir, { layout: false }).imageId).toBe(digest('1'));
  });

  it('carries the base the image was built on', () => {
    const dir = tempDir();
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    const summary = {
      formatVersion: 1,
      imageId: digest('1'),
      manifestDigest: digest('2'),
      synthesis: digest('3'),
      layout: 'oci',
      refName: 'lychd',
      diffIds: [],
    };
    fs.mkdirSync(path.join(dir, 'oci'));
    fs.writeFileSync(path.join(dir, 'oci', 'index.json'), '{}');
    const base = { kind: 'debian', ref: 'bookworm', digest: digest('4') };
    fs.writeFileSync(path.join(dir, 'image.json'), JSON.stringify({ ...summary, strategy: 'mundane', systemPackages: {}, base }));
    expect(readImageSummary(dir).base).toEqual({ ref: 'debian bookworm', digest: digest('4') });
  });
});

describe('lychd-forge rebirth refusals', () => {
  const capture = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const o = process.stdout.write.bind(process.stdout);
    const e = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
    try {
      return { code: await main(argv), out: out.join(''), err: err.join('') };
    } finally {
      process.stdout.write = o;
      process.stderr.write = e;
    }
  };

  it('refuses to confirm when nothing is staged, and changes nothing', async () => {
    const site = path.join(tempDir(), 'containers', 'systemd');
    const r = await capture(['rebirth', '--confirm', '0123456789ab', '--binding-site', site]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error\[LYCHD704\]: No candidate is staged: run `lychd-forge rebirth`/);
    expect(fs.existsSync(path.dirname(site))).toBe(false);
  });

  it('refuses to roll back without a previous body', async () => {
    const site = path.join(tempDir(), 'containers', 'systemd');
    const r = await capture(['rebirth', '--rollback', '--binding-site', site]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error\[LYCHD704\]: No previous body to return to/);
  });

  it('has no flag that confirms without an id', async () => {
    const r = await capture(['rebirth', '--confirm']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/option '--confirm <id>' argument missing/);
  });
});
