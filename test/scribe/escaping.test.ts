import { describe, expect, it } from 'vitest';
import { soulstones, type Codex, type SoulstoneRune } from '../../tools/src/codex';
import {
  renderGeneration,
  renderSoulstone,
  soulstoneRoster,
  ScribeError,
  serializeUnit,
  podmanVersion,
  type UnitFile,
} from '../../tools/src/scribe';
import { dryRunQuadlets } from '../../tools/src/toolchain';
import { skipWithout } from '../toolchain/tool-gate';
import { execStartArgv, installed, loadCase, optionValues, parseUnitText, values } from './helpers';

const noQuadlet = skipWithout('quadlet');

/** Every kind of text that could end a line, start a section, split an argument or be expanded. */
const NASTY = [
  'a b',
  "'single'",
  '"double"',
  '100%',
  '%n',
  '%%',
  '$HOME',
  '${HOME}',
  '$$',
  '$',
  'back\\slash',
  'trailing\\',
  '\\',
  '--flag=x y',
  'é ü',
  'semi;colon',
  '#comment',
  ';x',
  '[Install]',
  'x=y',
  '-',
  '--',
  ' lead',
  'trail ',
  '`id`',
  '$(id)',
  'a\\nb',
  '\\x41',
  'tab\\t',
  'it\'s "both"',
  '{{soulstone}}',
  '=',
  '%h/not-home',
];

function withStone(name: string, edit: (r: SoulstoneRune) => void): Codex {
  const codex = structuredClone(loadCase('nasty'));
  const rune = soulstones(codex).find((r) => r.config.name === name)!;
  edit(rune);
  return codex;
}

describe('values round-trip through the real generator and systemd exactly', () => {
  const codex = withStone('nasty', (r) => {
    r.config.exec = ['/bin/echo', ...NASTY];
    r.config.extra_args = ['--last="quoted value"'];
    r.config.env_vars = Object.fromEntries(NASTY.map((v, i) => [`V${String(i).padStart(2, '0')}`, v]));
  });
  const rune = soulstones(codex).find((r) => r.config.name === 'nasty')!;
  const files = renderGeneration(codex);

  it.skipIf(noQuadlet)('passes every Exec= argument as one argument, unchanged', () => {
    const dry = dryRunQuadlets(installed(files));
    expect(dry.errors).toEqual([]);
    expect(dry.ok).toBe(true);
    const argv = execStartArgv(dry.services.get('soulstone-nasty.service')!);
    const image = argv.indexOf(rune.config.image, argv.indexOf('--pod-id-file'));
    expect(argv.slice(image + 1)).toEqual([...rune.config.exec!, ...rune.config.extra_args]);
  });

  it.skipIf(noQuadlet)('passes every Environment= value unchanged, one --env each', () => {
    const dry = dryRunQuadlets(installed(files));
    const argv = execStartArgv(dry.services.get('soulstone-nasty.service')!);
    const expected = Object.entries(rune.config.env_vars)
      .map(([k, v]) => `${k}=${v}`)
      .sort();
    expect(optionValues(argv, '--env').sort()).toEqual(expected);
  });

  it.skipIf(noQuadlet)('keeps the shipped nasty fixture (core env and description too) intact', () => {
    const fixture = loadCase('nasty');
    const dry = dryRunQuadlets(installed(renderGeneration(fixture)));
    expect(dry.ok).toBe(true);
    const stone = soulstones(fixture)[0]!;
    const argv = execStartArgv(dry.services.get('soulstone-nasty.service')!);
    expect(argv.slice(argv.indexOf(stone.config.image, argv.indexOf('--pod-id-file')) + 1)).toEqual([
      ...stone.config.exec!,
      ...stone.config.extra_args,
    ]);
    const vessel = execStartArgv(dry.services.get('vessel.service')!);
    expect(optionValues(vessel, '--env')).toContain(`GREETING=${fixture.prime.vessel.env_vars.GREETING}`);
    // systemd resolves specifiers in Description= and nothing else.
    const description = values(parseUnitText(dry.services.get('soulstone-nasty.service')!), 'Unit', 'Description')[0]!;
    expect(description.replace(/%%/g, '%')).toBe(`LychD Soulstone nasty: ${stone.config.description}`);
    expect(description.replace(/%%/g, '')).not.toContain('%');
  });

  it.skipIf(noQuadlet)('passes a health command to --health-cmd as one value, unchanged', () => {
    const cmd = `test "$(cat /x)" = '100%' && echo \${HOME} %h $$ 'it"s' || exit 1`;
    const c = withStone('nasty', (r) => {
      r.config.health_cmd = cmd;
    });
    const dry = dryRunQuadlets(installed(renderGeneration(c)));
    expect(dry.errors).toEqual([]);
    expect(optionValues(execStartArgv(dry.services.get('soulstone-nasty.service')!), '--health-cmd')).toEqual([cmd]);
  });

  it('adds no line, key or section whatever the values hold', () => {
    const text = files.get('soulstone-nasty.container')!;
    const parsed = parseUnitText(text);
    expect([...parsed.keys()]).toEqual(['Unit', 'Container', 'Service', 'Install']);
    expect(values(parsed, 'Container', 'Exec')).toHaveLength(1);
    expect(values(parsed, 'Container', 'Environment')).toHaveLength(NASTY.length);
  });
});

describe('text that cannot be made safe is refused, naming the rune file and field', () => {
  const file = (c: Codex) => soulstones(c).find((r) => r.config.name === 'nasty')!.origin.file;
  const refuse = (codex: Codex, field: string, why: RegExp) => {
    let error: unknown;
    try {
      renderGeneration(codex);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScribeError);
    const e = error as ScribeError;
    expect(e.file).toBe(file(codex));
    expect(e.field).toBe(field);
    expect(e.diagnostics).toEqual([expect.objectContaining({ severity: 'error', file: file(codex), field })]);
    expect(e.message).toContain(`[${field}]`);
    expect(e.message).toMatch(why);
  };

  it('a newline in a description, an environment value or an argument', () => {
    refuse(
      withStone('nasty', (r) => (r.config.description = 'ok\n[Service]\nExecStartPre=/bin/evil')),
      'description',
      /newline/,
    );
    refuse(
      withStone('nasty', (r) => (r.config.env_vars = { A: 'x\nExecStartPre=/bin/evil' })),
      'env_vars.A',
      /newline/,
    );
    // An environment value may be a secret: the message never shows it.
    refuse(
      withStone('nasty', (r) => (r.config.env_vars = { API_TOKEN: 'tok-s3cr3t\u0085' })),
      'env_vars.API_TOKEN',
      /^(?!.*s3cr3t).*value of API_TOKEN contains a newline or another control character \(value not shown\)/,
    );
    refuse(
      withStone('nasty', (r) => (r.config.exec = ['sh', 'x\r\n[Install]'])),
      'exec[1]',
      /newline/,
    );
    refuse(
      withStone('nasty', (r) => (r.config.extra_args = ['ok', 'bad\u0000'])),
      'extra_args[1]',
      /control character/,
    );
  });

  it('a health command that starts or ends with a double quote, which quadlet strips', () => {
    for (const cmd of ['"/bin/true" x', 'sh -c "exit 0"']) {
      const c = withStone('nasty', (r) => {
        r.config.health_cmd = cmd;
      });
      refuse(c, 'health_cmd', /must not start or end with a double quote/);
    }
    const spaced = withStone('nasty', (r) => {
      r.config.health_cmd = ' /bin/true';
    });
    refuse(spaced, 'health_cmd', /must not be empty or start or end with spaces/);
  });

  it('a description ending in a backslash, which would swallow the next line', () => {
    refuse(
      withStone('nasty', (r) => (r.config.description = 'continues\\')),
      'description',
      /ends with a backslash/,
    );
  });

  it('a lone ";" (a second command) and an empty argument (drops the rest)', () => {
    refuse(
      withStone('nasty', (r) => (r.config.extra_args = [';', '/bin/evil'])),
      'extra_args[0]',
      /second command/,
    );
    refuse(
      withStone('nasty', (r) => (r.config.exec = ['echo', '', 'rest'])),
      'exec[1]',
      /empty argument/,
    );
  });

  it('volume paths with quotes, spaces, "$" or "%" in them', () => {
    for (const bad of ['/srv/a"b:/m', '/srv/a b:/m', '/srv/$HOME:/m', '/srv/100%n:/m', '/srv/x\\:/m']) {
      refuse(
        withStone('nasty', (r) => (r.config.volumes = ['ok:/ok', bad])),
        'volumes[1]',
        /may only hold/,
      );
    }
  });

  it('an image or device that is not a single safe word', () => {
    refuse(
      withStone('nasty', (r) => (r.config.image = 'docker.io/x:1\nExec=evil')),
      'image',
      /may only hold/,
    );
    refuse(
      withStone('nasty', (r) => ((r.config.gpu = true), (r.config.devices = ['-nvidia.com/gpu=all evil']))),
      'devices[0]',
      /may only hold/,
    );
  });

  it('a variable set both plainly and from a secret', () => {
    refuse(
      withStone('nasty', (r) => ((r.config.env_vars = { TOKEN_FILE: 'x' }), (r.config.secret_env_files = { TOKEN_FILE: 'tok' }))),
      'secret_env_files.TOKEN_FILE',
      /both here and in env_vars/,
    );
  });

  it('renders one soulstone only from a roster that lists it', () => {
    const codex = loadCase('covens');
    const roster = soulstoneRoster(codex);
    const alpha = soulstones(codex).find((r) => r.config.name === 'alpha')!;
    expect(() => renderSoulstone(alpha, { ...roster, soulstones: roster.soulstones.filter((s) => s.unit !== 'soulstone-alpha') })).toThrow(
      ScribeError,
    );
    expect(() => renderSoulstone({ ...alpha, config: { ...alpha.config, groups: ['other'] } }, roster)).toThrow(
      /does not describe soulstone-alpha/,
    );
  });
});

describe('the serializer', () => {
  const v = podmanVersion('5.3');
  it('refuses a value of the wrong kind for a key, a repeated single-value key and globbed unit names', () => {
    // Untyped entries, as a caller the compiler does not check: the serializer still refuses them.
    const unitWith = (section: 'Unit' | 'Container', entries: { key: string; value: never }[]) =>
      ({ comments: [], sections: [{ name: section, entries }] }) as UnitFile;
    expect(() => serializeUnit(unitWith('Container', [{ key: 'Exec', value: { kind: 'word', word: 'x' } as never }]), v)).toThrow(
      /podman reads this key as args/,
    );
    expect(() =>
      serializeUnit(
        unitWith('Container', [
          { key: 'Exec', value: { kind: 'args', args: ['a'] } as never },
          { key: 'Exec', value: { kind: 'args', args: ['b'] } as never },
        ]),
        v,
      ),
    ).toThrow(/Exec may appear only once/);
    expect(() =>
      serializeUnit(unitWith('Unit', [{ key: 'Conflicts', value: { kind: 'units', units: ['soulstone-*.service'] } as never }]), v),
    ).toThrow(/no globs/);
    expect(() =>
      serializeUnit(unitWith('Unit', [{ key: 'Conflicts', value: { kind: 'units', units: ['soulstone-a.container'] } as never }]), v),
    ).toThrow(/not a unit name/);
  });
});

describe('no value continues its line, whatever whitespace follows a backslash', () => {
  // Every character Go's unicode.IsSpace or JavaScript's \s calls whitespace, every C1 control,
  // and the invisible characters neither trims: podman's parser trims the first group.
  const candidates = [...Array(0x3001).keys()]
    .map((c) => String.fromCharCode(c))
    .filter((c) => /\s/.test(c) || /[\u0080-\u009f]/.test(c))
    .concat(['\u0085', '\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']);
  const stone = (desc: string) => {
    const codex = structuredClone(loadCase('covens'));
    soulstones(codex).find((r) => r.config.name === 'alpha')!.config.description = desc;
    return codex;
  };

  it.skipIf(noQuadlet)('each is refused, or the real generator keeps every key of the unit', () => {
    const expectedConflicts = 'soulstone-delta.service soulstone-gamma.service';
    const reached: string[] = [];
    for (const c of [...new Set(candidates)]) {
      for (const desc of [`d\\${c}`, `d\\${c}${c}`, `${c}d\\${c}`]) {
        let files: Map<string, string>;
        try {
          files = renderGeneration(stone(desc));
        } catch (e) {
          expect(e, JSON.stringify(desc)).toBeInstanceOf(ScribeError);
          expect((e as ScribeError).message).toMatch(/backslash|control character/);
          continue;
        }
        reached.push(c);
        const dry = dryRunQuadlets(installed(files));
        const unit = parseUnitText(dry.services.get('soulstone-alpha.service')!);
        expect(values(unit, 'Unit', 'Conflicts'), `U+${c.charCodeAt(0).toString(16)}`).toEqual([expectedConflicts]);
      }
    }
    // The characters that pass are exactly those the parser does not trim.
    expect([...new Set(reached)].sort()).toEqual(['\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']);
  });

  it('the serializer refuses a continued line for every kind of value', () => {
    const v = podmanVersion('5.4');
    for (const c of ['\u0085', '\u00a0', '\u3000', ' ']) {
      expect(() =>
        serializeUnit(
          {
            comments: [],
            sections: [{ name: 'Container', entries: [{ key: 'HealthCmd', value: { kind: 'command', command: `x\\${c}` } }] }],
          } as never,
          v,
        ),
      ).toThrow(/backslash|control/);
      expect(() =>
        serializeUnit(
          {
            comments: [],
            sections: [{ name: 'Unit', entries: [{ key: 'Description', value: { kind: 'text', text: `x\\${c}` } }] }],
          } as never,
          v,
        ),
      ).toThrow(/backslash/);
    }
  });
});
