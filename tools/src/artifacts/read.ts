import * as fs from 'node:fs';
import type { z } from 'zod';
import { ForgeError, type Diagnostic } from '../diagnostics';
import { errnoCode } from '../shared/fsutil';
import { fieldName, locateJson, positionAt } from './json-locate';

/** One kind of JSON artifact the Forge writes and reads back: what it is, its format, who writes it. */
export interface ArtifactKind<T> {
  /** As a sentence names it: `the Synthesis Manifest`. */
  title: string;
  /** The format this Forge writes and reads; undefined for a record that carries none. */
  formatVersion: number | undefined;
  schema: z.ZodType<T>;
  /** The command that writes it afresh: `run \`npx lychd-forge synthesize\``. */
  regenerate: string;
}

export interface ReadArtifact<T> {
  value: T;
  /** The bytes that were read and checked: digest these, never a second read. */
  bytes: Buffer;
}

export interface ReadOptions {
  /** How to write it afresh, when it is not the kind's usual command (a copy kept elsewhere). */
  regenerate?: string;
}

// git's conflict markers, each at the start of a line.
const CONFLICT = /^(?:<{7}|={7}|>{7})(?: |$)/m;

/**
 * Reads a JSON artifact and checks it: a regular file (a link is refused, never followed), JSON,
 * the format this Forge reads, every field valid. Any problem is a ForgeError naming the file,
 * line and field and saying what to run; the file's content is never echoed.
 */
export function readArtifact<T>(kind: ArtifactKind<T>, file: string, options: ReadOptions = {}): ReadArtifact<T> {
  const read = readArtifactIfExists(kind, file, options);
  if (read) return read;
  throw problem(kind, file, options, `${kind.title} does not exist yet`);
}

/** The same, with undefined for a file that does not exist. */
export function readArtifactIfExists<T>(kind: ArtifactKind<T>, file: string, options: ReadOptions = {}): ReadArtifact<T> | undefined {
  const bytes = readRegular(kind, file, options);
  if (!bytes) return undefined;
  const text = bytes.toString('utf8');
  const fail = (message: string, extra: Partial<Diagnostic> = {}) => problem(kind, file, options, message, extra);
  if (text.trim() === '') throw fail(`is empty, not ${kind.title}`);
  const conflict = CONFLICT.exec(text);
  if (conflict)
    throw fail('holds an unresolved merge conflict', {
      ...positionAt(text, conflict.index),
      why: 'the file is generated: its two sides cannot be merged by hand',
      hint: `keep either side (\`git checkout --ours -- <file>\`), then ${regenerate(kind, options)}`,
    });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw fail(...jsonProblem((e as Error).message, text));
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw fail(`is not ${kind.title}: its JSON is ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`}`);
  versionProblem(kind, raw as Record<string, unknown>, text, fail);
  const parsed = kind.schema.safeParse(raw);
  if (!parsed.success)
    throw new ForgeError(
      parsed.error.issues.map((issue) => ({
        severity: 'error',
        code: 'LYCHD804',
        file,
        ...locateJson(text, issue.path),
        field: issue.path.length ? fieldName(issue.path) : undefined,
        // zod says "Invalid input: expected string, received undefined" for a field that is absent.
        message: issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? 'is missing' : issue.message,
        hint: regenerate(kind, options),
      })),
    );
  return { value: parsed.data, bytes };
}

/** The file's bytes when it is a regular file; undefined when there is none. */
function readRegular<T>(kind: ArtifactKind<T>, file: string, options: ReadOptions): Buffer | undefined {
  let fd: number;
  try {
    // O_NOFOLLOW: a link in the artifact's place is refused, whatever it points at.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    if (errnoCode(e) === 'ELOOP')
      throw problem(kind, file, options, 'is a symbolic link: the Forge reads only the file it wrote', {
        why: 'a link would make the Forge read, and trust, a file outside the workspace',
        hint: `remove the link, then ${regenerate(kind, options)}`,
      });
    throw e;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw problem(kind, file, options, `is not a regular file, so not ${kind.title}`);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function versionProblem<T>(
  kind: ArtifactKind<T>,
  raw: Record<string, unknown>,
  text: string,
  fail: (message: string, extra?: Partial<Diagnostic>) => ForgeError,
): void {
  if (kind.formatVersion === undefined) return;
  const version = raw['formatVersion'];
  const at = { ...locateJson(text, ['formatVersion']), field: 'formatVersion' };
  if (typeof version !== 'number' || !Number.isInteger(version))
    throw fail(`has no formatVersion: it is not ${kind.title}, or it is damaged`, at);
  if (version > kind.formatVersion)
    throw fail(`is format ${version}, written by a newer Forge; this one reads format ${kind.formatVersion}`, {
      ...at,
      hint: `upgrade @lychd/forge, or ${kind.regenerate} with this one to write it afresh`,
    });
  if (version < kind.formatVersion)
    throw fail(`is format ${version}, written by an older Forge; this one reads format ${kind.formatVersion}`, at);
}

/**
 * What JSON.parse found, without its quote of the text (a file can hold anything): the kind of
 * mistake and where, or that the text ends too early, as a cut-short write leaves it.
 */
function jsonProblem(parserMessage: string, text: string): [string, Partial<Diagnostic>] {
  const at = /^(.*?) in JSON at position (\d+)/.exec(parserMessage);
  const offset = at ? Number(at[2]) : undefined;
  if (/^Unexpected end/.test(parserMessage) || (offset !== undefined && offset >= text.trimEnd().length))
    return ['is not valid JSON: it ends too early (cut short?)', positionAt(text, text.trimEnd().length)];
  if (at && offset !== undefined && !at[1]!.includes('"')) return [`is not valid JSON: ${at[1]!.toLowerCase()}`, positionAt(text, offset)];
  return ['is not valid JSON', {}];
}

const regenerate = <T>(kind: ArtifactKind<T>, options: ReadOptions) => options.regenerate ?? `${kind.regenerate} to write it afresh`;

function problem<T>(
  kind: ArtifactKind<T>,
  file: string,
  options: ReadOptions,
  message: string,
  extra: Partial<Diagnostic> = {},
): ForgeError {
  return new ForgeError([{ severity: 'error', code: 'LYCHD804', file, message, hint: regenerate(kind, options), ...extra }]);
}
