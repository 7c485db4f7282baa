import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { linearRegExp } from '../../tools/src/codex/linear-regexp';

const ajv = () => new Ajv({ allErrors: true, strict: false, code: { regExp: linearRegExp } });

describe("extension schemas' patterns", () => {
  it('run in linear time: a catastrophic pattern answers at once', () => {
    const validate = ajv().compile({ type: 'string', pattern: '^(a+)+$' });
    const started = Date.now();
    expect(validate('a'.repeat(40) + '!')).toBe(false);
    expect(validate.errors?.map((e) => e.message)).toEqual(['must match pattern "^(a+)+$"']);
    expect(validate('a'.repeat(100_000))).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keep their ECMAScript meaning for the common constructs, in patternProperties too', () => {
    const validate = ajv().compile({
      type: 'object',
      properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,9}$' }, tag: { type: 'string', pattern: '\\d' } },
      patternProperties: { '^x-': { type: 'integer' } },
    });
    expect(validate({ id: 'abc-1', tag: 'v2', 'x-size': 3 })).toBe(true);
    expect(validate({ id: 'Abc', tag: 'none', 'x-size': 'big' })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([
      '/id must match pattern "^[a-z][a-z0-9-]{0,9}$"',
      '/tag must match pattern "\\d"',
      '/x-size must be integer',
    ]);
  });

  it('refuse lookaround and backreferences when the schema is compiled, naming the pattern', () => {
    expect(() => ajv().compile({ type: 'string', pattern: '^(?=a)a$' })).toThrow(
      /^pattern "\^\(\?=a\)a\$" is not supported: .*\(patterns run in linear time, with RE2: no lookaround, no backreferences\)$/,
    );
    expect(() => ajv().compile({ type: 'string', pattern: '(a)\\1' })).toThrow(/^pattern "\(a\)\\\\1" is not supported: /);
  });
});
