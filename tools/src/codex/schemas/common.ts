import { z } from 'zod';
import { continuesLine, UNIT_CONTROL } from '../unit-line';

export { SECRET_PATTERN, ENV_NAME_PATTERN, IMAGE_PATTERN, CAPABILITY_PATTERN } from '../patterns';
export { NAME_PATTERN } from '../../artifacts/patterns';
import { CAPABILITY_PATTERN, ENV_NAME_PATTERN, IMAGE_PATTERN, SECRET_PATTERN } from '../patterns';
import { NAME_PATTERN } from '../../artifacts/patterns';

/** Control characters (C0, C1) and the Unicode line separators: each could end or hide a unit file's line. */
export const CONTROL = UNIT_CONTROL;

export const positiveInt = z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' });
/** A duration in whole seconds, at most a day. */
export const seconds = (fallback: number, what: string) =>
  positiveInt.max(86_400, { error: 'must be at most 86400 (one day)' }).default(fallback).describe(what);

export const name = z
  .string()
  .regex(NAME_PATTERN, {
    error: 'must be 1-50 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit',
  })
  .describe('Instance name: unique in the Codex; becomes the unit name (`soulstone-<name>`).');

/** Text that ends up in a unit file: a single line with no control characters, of a sensible length. */
export const unitText = z
  .string()
  .max(4096, { error: 'must be at most 4096 characters' })
  .refine((s) => !CONTROL.test(s), {
    error: 'must be a single line without control characters (newline, tab, escape, U+0085)',
  });

export const description = unitText
  .max(512, { error: 'must be at most 512 characters (one line for systemctl status)' })
  .refine((s) => !continuesLine(s), {
    error: 'must not end in a backslash (before any trailing whitespace): the unit line would swallow the next one',
  })
  .describe('One-line human description, shown in `systemctl status`.');

export const image = z
  .string()
  .regex(IMAGE_PATTERN, { error: 'is not a valid image reference (e.g. docker.io/vllm/vllm-openai:v0.9.2)' })
  .describe('OCI image reference; fully qualified (registry/name:tag) so podman never guesses a registry.');

export const port = z
  .number()
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be between 1 and 65535' })
  .max(65535, { error: 'must be between 1 and 65535' });

export const groupName = z.string().regex(NAME_PATTERN, {
  error: 'coven names are 1-50 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit',
});

export const groups = z
  .array(groupName)
  .describe('Covens (groups) this rune belongs to. Runes that share no group never run together (`Conflicts=`).');

export const capabilities = z
  .array(z.string().regex(CAPABILITY_PATTERN, { error: 'capability tags are lowercase words like "vision" or "text-generation"' }))
  .describe('Capability tags the dispatcher routes on, e.g. ["vision", "ocr"].');

export const secretName = z
  .string()
  .regex(SECRET_PATTERN, { error: 'podman secret names here are letters, digits, ".", "_" or "-", up to 253 characters' });

export const envName = z
  .string()
  .regex(ENV_NAME_PATTERN, { error: 'environment variable names are letters, digits and "_", not starting with a digit' });

export const httpUrl = z.string().refine(
  (s) => {
    if (CONTROL.test(s) || /\s/.test(s)) return false;
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'must be an http:// or https:// URL' },
);

/**
 * Why a text cannot be passed as one argument through a Quadlet `Exec=` line, if it cannot. The
 * Scribe's serializer and the rune schemas share this one definition.
 */
export function argProblem(arg: string): string | undefined {
  if (CONTROL.test(arg)) return `${JSON.stringify(arg)} contains a newline or another control character`;
  // The generator's splitter stops at an empty word and drops every argument after it.
  if (arg === '') return 'an empty argument cannot be passed (podman would drop it and every argument after it)';
  // A lone `;` in ExecStart= separates two commands.
  if (arg === ';') return 'a lone ";" argument would start a second command in ExecStart=';
  return undefined;
}

/** An argument passed to a program: single-line text that survives the trip through `Exec=`. */
export const arg = z.string().superRefine((s, ctx) => {
  const problem = argProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: `is refused: ${problem}`, input: s });
});

/**
 * What a Quadlet `Volume=` line can carry as written: podman reads it raw, and systemd would expand
 * a `%` as a specifier (only a leading `%h/`, the home folder, is meant that way).
 */
export const MOUNT_PATTERN = /^(?:%h\/|\.\/)?[A-Za-z0-9_.:/@+=,-]+$/;

/** `source:target[:options]`: a named volume or an absolute host path, mounted at an absolute path. */
export const volume = z
  .string()
  .regex(/^(?:[A-Za-z0-9][A-Za-z0-9_.-]*|\/[^\s:,]*|%h\/[^\s:,]*):\/[^\s:,]*(?::[A-Za-z0-9,=]+)?$/, {
    error: 'must be "source:/target[:options]" with a volume name or absolute host path as source',
  })
  .regex(MOUNT_PATTERN, {
    error: 'may only hold letters, digits and _.:/@+=,- (a "%" is read by systemd as a specifier; only a leading %h/ is allowed)',
  });

export const containerPath = z
  .string()
  .regex(/^\/[^\s:,]*$/, { error: 'must be an absolute path inside the container, without spaces, ":" or ","' });

export type Infer<T extends z.ZodType> = z.infer<T>;
