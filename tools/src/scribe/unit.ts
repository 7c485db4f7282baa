import { continuesLine, trimUnitSpace } from '../codex/unit-line';
import { argProblem, CONTROL, MOUNT_PATTERN } from '../codex/schemas/common';
import type { StageCode } from '../diagnostics';
import { ScribeError, type ValueSource } from './errors';
import { keySpec, type QuadletKey, type KeyOf, type KeySpec, type KindOf, type KindsOfKey, type SectionName, type ValueKind } from './keys';
import { atLeast, formatVersion, type PodmanVersion } from './version';

export type TextValue = { kind: 'text'; text: string };
export type UnitsValue = { kind: 'units'; units: string[] };
export type WordValue = { kind: 'word'; word: string };
export type MountValue = { kind: 'mount'; mount: string };
export type ArgsValue = { kind: 'args'; args: string[] };
export type KeyvalValue = { kind: 'keyval'; name: string; value: string };
export type CommandValue = { kind: 'command'; command: string };

/** A typed value; its kind must be the kind podman reads for the key it is written under. */
export type Value = TextValue | UnitsValue | WordValue | MountValue | ArgsValue | KeyvalValue | CommandValue;
export type ValueOf<K extends ValueKind> = Extract<Value, { kind: K }>;

/** One line of section `S`: a union over the section's keys, each with the value kind the key table gives it. */
export type Entry<S extends SectionName = SectionName> = S extends SectionName
  ? {
      [K in KeyOf<S>]: {
        key: K;
        value: ValueOf<KindOf<S, K>>;
        /** The rune field the value came from, for errors. */
        source?: ValueSource;
      };
    }[KeyOf<S>]
  : never;

export type Section<S extends SectionName = SectionName> = S extends SectionName ? { name: S; entries: Entry<S>[] } : never;

/** One Quadlet file: leading comment lines, then sections in the order given. */
export interface UnitFile {
  comments: string[];
  sections: Section[];
}

export const text = (t: string): TextValue => ({ kind: 'text', text: t });
export const units = (u: string[]): UnitsValue => ({ kind: 'units', units: u });
export const word = (w: string | number | boolean): WordValue => ({ kind: 'word', word: String(w) });
export const mount = (m: string): MountValue => ({ kind: 'mount', mount: m });
export const args = (a: string[]): ArgsValue => ({ kind: 'args', args: a });
export const keyval = (name: string, value: string): KeyvalValue => ({ kind: 'keyval', name, value });
export const command = (c: string): CommandValue => ({ kind: 'command', command: c });

/**
 * Builds a section from entries, dropping the ones a condition turned into `false`. The section
 * name alone fixes `S` (`NoInfer`), so an entry whose key the section lacks does not compile.
 */
export function section<S extends SectionName>(name: S, entries: (NoInfer<Entry<S>> | false | undefined)[]): Section<S> {
  // `Section<S>` stays an unresolved conditional while `S` is generic, hence the cast.
  return { name, entries: entries.filter((e): e is Entry<S> => !!e) } as Section<S>;
}

/**
 * One `Key=value` line. A key no section accepts, or a value of a kind podman does not read the key
 * as, does not compile here; the section the entry lands in checks the rest.
 */
export const entry = <K extends QuadletKey, V extends ValueOf<KindsOfKey<K>>>(key: K, value: V, source?: ValueSource) => ({
  key,
  value,
  source,
});

const UNIT_NAME = /^[A-Za-z0-9_.:@-]+\.(?:service|target|socket)$/;
const WORD = /^[A-Za-z0-9_.:/@+=,[\]-]+$/;
const BARE_ARG = /^[A-Za-z0-9_@%+=:,./-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function fail(code: StageCode<'4'>, message: string, e: Entry, section: SectionName): never {
  throw new ScribeError(code, `${message} (in ${e.key}= of [${section}])`, e.source);
}

/** Control characters would end the line and start a new key or section. */
function singleLine(s: string, e: Entry, section: SectionName): void {
  if (CONTROL.test(s)) fail('LYCHD400', `${JSON.stringify(s)} contains a newline or another control character`, e, section);
}

/** podman and systemd read a line ending in `\` (before trailing whitespace) as continued on the next one. */
function noTrailingBackslash(s: string, e: Entry, section: SectionName): void {
  if (continuesLine(s)) fail('LYCHD400', `${JSON.stringify(s)} ends with a backslash, which would continue the line`, e, section);
}

/**
 * systemd expands `%x` specifiers in every value it reads, and `$VAR` in the
 * command line quadlet writes to `ExecStart=`: doubling keeps both literal.
 */
function escapeExpansions(s: string, spec: KeySpec): string {
  const specifiers = s.replace(/%/g, '%%');
  return spec.inExecStart ? specifiers.replace(/\$/g, '$$$$') : specifiers;
}

/** One argument for a key podman splits shell-like (`Exec`, `Secret`, `Environment`). */
function quoteArg(arg: string, spec: KeySpec, e: Entry, section: SectionName): string {
  const problem = argProblem(arg);
  if (problem) fail('LYCHD402', problem, e, section);
  const escaped = escapeExpansions(arg, spec);
  if (BARE_ARG.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function formatValue(spec: KeySpec, e: Entry, section: SectionName): string {
  const v = e.value;
  switch (v.kind) {
    case 'text': {
      // Trimmed exactly as podman's parser trims the line, so what it reads is what we checked.
      const t = trimUnitSpace(v.text);
      singleLine(t, e, section);
      noTrailingBackslash(t, e, section);
      return escapeExpansions(t, spec);
    }
    case 'units':
      if (v.units.length === 0) fail('LYCHD408', 'no unit names given', e, section);
      for (const u of v.units)
        if (!UNIT_NAME.test(u)) fail('LYCHD408', `${JSON.stringify(u)} is not a unit name (no globs, no .container names)`, e, section);
      return v.units.join(' ');
    case 'word':
      if (!WORD.test(v.word)) fail('LYCHD401', `${JSON.stringify(v.word)} may only hold letters, digits and _.:/@+=,[]-`, e, section);
      return v.word;
    case 'mount':
      if (!MOUNT_PATTERN.test(v.mount)) {
        fail('LYCHD401', `${JSON.stringify(v.mount)} may only hold letters, digits and _.:/@+=,- (and start with %h/ or ./)`, e, section);
      }
      return v.mount;
    case 'args':
      if (v.args.length === 0) fail('LYCHD408', 'no arguments given', e, section);
      return v.args.map((a) => quoteArg(a, spec, e, section)).join(' ');
    case 'keyval': {
      const nameOk = (e.key === 'Label' ? LABEL_NAME : ENV_NAME).test(v.name);
      if (!nameOk)
        fail('LYCHD408', `${JSON.stringify(v.name)} is not a valid ${e.key === 'Label' ? 'label' : 'variable'} name`, e, section);
      // A value may be a secret: say what is wrong with it without printing it.
      if (CONTROL.test(v.value))
        fail('LYCHD400', `the value of ${v.name} contains a newline or another control character (value not shown)`, e, section);
      // `NAME=` alone is one word the splitter keeps; quoteArg rejects only the truly empty word.
      return quoteArg(`${v.name}=${v.value}`, spec, e, section);
    }
    case 'command': {
      singleLine(v.command, e, section);
      noTrailingBackslash(v.command, e, section);
      if (v.command !== trimUnitSpace(v.command) || v.command === '')
        fail('LYCHD402', 'a command must not be empty or start or end with spaces', e, section);
      // Quadlet's unit parser strips a double quote at either end, leaving the other half unpaired.
      if (v.command.startsWith('"') || v.command.endsWith('"'))
        fail(
          'LYCHD402',
          `a command must not start or end with a double quote (podman's unit parser strips it); end it with ' or a word`,
          e,
          section,
        );
      return escapeExpansions(v.command, spec);
    }
  }
}

function checkKind(spec: KeySpec, kind: ValueKind, e: Entry, section: SectionName): void {
  if (spec.kind !== kind) fail('LYCHD408', `a ${kind} value was given, but podman reads this key as ${spec.kind}`, e, section);
}

/**
 * The one place unit text is produced. Every key is checked against the key
 * table for the target podman, every value is escaped for the way podman and
 * systemd read that key, and anything that cannot be made safe is an error.
 * Key and kind are checked again here, for units the compiler did not see.
 */
export function serializeUnit(unit: UnitFile, version: PodmanVersion): string {
  const out: string[] = [];
  for (const c of unit.comments) {
    if (CONTROL.test(c)) throw new ScribeError('LYCHD408', `comment ${JSON.stringify(c)} contains a control character`);
    out.push(`# ${c}`);
  }
  const seenSections = new Set<SectionName>();
  for (const s of unit.sections) {
    if (s.entries.length === 0) continue;
    if (seenSections.has(s.name)) throw new ScribeError('LYCHD408', `section [${s.name}] appears twice`);
    seenSections.add(s.name);
    if (out.length > 0) out.push('');
    out.push(`[${s.name}]`);
    const seenKeys = new Set<string>();
    for (const e of s.entries) {
      const spec = keySpec(s.name, e.key);
      if (!spec) fail('LYCHD408', `${e.key} is not a key podman accepts in [${s.name}]`, e, s.name);
      if (!atLeast(version, spec.since)) {
        fail('LYCHD408', `${e.key} in [${s.name}] needs podman ${spec.since} or later; the target is ${formatVersion(version)}`, e, s.name);
      }
      if (!spec.repeat && seenKeys.has(e.key))
        fail('LYCHD408', `${e.key} may appear only once (podman keeps only the last one)`, e, s.name);
      seenKeys.add(e.key);
      checkKind(spec, e.value.kind, e, s.name);
      const value = formatValue(spec, e, s.name);
      // Whatever the kind, no line may continue onto the next one.
      if (continuesLine(value))
        fail('LYCHD400', `${JSON.stringify(value)} ends with a backslash, which would continue the line`, e, s.name);
      out.push(`${e.key}=${value}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** Whether the target podman accepts a key: builders ask before emitting optional keys. */
export function supports<S extends SectionName>(version: PodmanVersion, sectionName: S, key: KeyOf<S>): boolean {
  const spec = keySpec(sectionName, key);
  return spec !== undefined && atLeast(version, spec.since);
}
