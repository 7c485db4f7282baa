import { describe, expect, it } from 'vitest';
import { podmanVersion, serializeUnit, supports, type Entry, type UnitFile } from '../../tools/src/scribe';
import { entry, section, units, word } from '../../tools/src/scribe/unit';

// The `@ts-expect-error` lines are the test: `npm run typecheck` (part of `npm test`) fails when a
// line below them compiles, i.e. when the key table's typing no longer catches that mistake.
// Vitest does not type-check, so it runs the same lines and pins the serializer's own refusal,
// which still guards callers the compiler does not see.

const v = podmanVersion('5.3');
const unit = (...sections: unknown[]) => ({ comments: [], sections }) as UnitFile;

describe('quadlet keys the compiler checks', () => {
  it('a misspelt key', () => {
    // @ts-expect-error: no section has a key `UserNs` (it is `UserNS`)
    const misspelt = entry('UserNs', word('keep-id'));
    expect(() => serializeUnit(unit({ name: 'Pod', entries: [misspelt] }), v)).toThrow(/UserNs is not a key podman accepts in \[Pod\]/);
  });

  it('a key from another section', () => {
    const wrongSection = () =>
      section('Install', [
        // @ts-expect-error: `UserNS` is a [Pod] key, not an [Install] one
        entry('UserNS', word('keep-id')),
      ]);
    expect(() => serializeUnit(unit(wrongSection()), v)).toThrow(/UserNS is not a key podman accepts in \[Install\]/);
  });

  it('a value of the wrong kind', () => {
    // @ts-expect-error: podman reads `WantedBy` as unit names, not a word
    const wrongKind = entry('WantedBy', word('default.target'));
    expect(() => serializeUnit(unit({ name: 'Install', entries: [wrongKind] }), v)).toThrow(
      /a word value was given, but podman reads this key as units/,
    );
    // @ts-expect-error: in [Container] `Exec` is read as arguments
    const typedWrongKind: Entry<'Container'> = { key: 'Exec', value: word('x') };
    expect(() => serializeUnit(unit({ name: 'Container', entries: [typedWrongKind] }), v)).toThrow(/podman reads this key as args/);
  });

  it('asks about a key only in its own section', () => {
    // @ts-expect-error: `Secret` is a [Container] key
    expect(supports(v, 'Pod', 'Secret')).toBe(false);
    expect(supports(v, 'Container', 'Secret')).toBe(true);
  });

  it('accepts every key in its own section with its own kind', () => {
    const ok = unit(section('Install', [entry('WantedBy', units(['default.target']))]), section('Pod', [entry('UserNS', word('keep-id'))]));
    expect(serializeUnit(ok, v)).toBe('[Install]\nWantedBy=default.target\n\n[Pod]\nUserNS=keep-id\n');
  });
});
