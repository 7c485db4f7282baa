import { z } from 'zod';
import { DIGEST_PATTERN, NAME_PATTERN, parseDebianSpec, PLAIN_PATH_PATTERN } from './patterns';

/** The value types the artifacts' schemas are made of, each with the rule it breaks in words. */

export const digest = z.string().regex(DIGEST_PATTERN, { error: 'must be "sha256:" and 64 lowercase hex digits' });

export const plainPath = z.string().regex(PLAIN_PATH_PATTERN, {
  error: 'must be a plain path inside the workspace (letters, digits, "_", "-", "." and "/"; no "..")',
});

/** A core's or an extension's name, as units, projects and image layers name it. */
export const componentName = z.string().regex(NAME_PATTERN, {
  error: 'must be a component name: 1-50 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit',
});

/** `name` or `name=version`, as apt-get is given it. */
export const debianSpec = z.string().refine((s) => parseDebianSpec(s) !== undefined, {
  error: 'must be a Debian package name, optionally "=version"',
});

export const debianName = z.string().refine((s) => parseDebianSpec(s)?.name === s, { error: 'must be a Debian package name' });

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Any other text: one line, no control characters. */
export const text = z.string().refine((s) => !CONTROL.test(s), { error: 'must be one line of text, without control characters' });
