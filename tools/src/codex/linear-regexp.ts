import { RE2JS } from 're2js';

/**
 * The regular expression engine for extensions' JSON Schemas (`pattern`, `patternProperties`):
 * RE2 (re2js, pure JavaScript), whose matching time is linear in the input, so a pattern such
 * as `^(a+)+$` cannot stall validation. RE2 has no lookaround and no backreferences: a pattern
 * that uses them is refused when the schema is compiled.
 */
export const linearRegExp = Object.assign(
  (pattern: string, flags: string): { test: (s: string) => boolean; toString: () => string } => {
    try {
      const re = RE2JS.compile(RE2JS.translateRegExp(pattern), flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
      // ajv keys its compiled patterns by toString(): it must tell patterns apart.
      return { test: (s: string) => re.test(s), toString: () => `/${pattern}/${flags}` };
    } catch (e) {
      throw new Error(
        `pattern ${JSON.stringify(pattern)} is not supported: ${(e as Error).message} (patterns run in linear time, with RE2: no lookaround, no backreferences)`,
        { cause: e },
      );
    }
  },
  // ajv's name for the engine in standalone code; the Forge compiles in memory only.
  { code: 'require("re2js").RE2JS.compile' },
);
