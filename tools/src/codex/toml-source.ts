import { parseTOML, getStaticTOMLValue, ParseError, type AST } from 'toml-eslint-parser';
import { error, START, type LocatedDiagnostic, type Position } from './diagnostics';

export type FieldPath = readonly (string | number)[];

/** A TOML table's value, or undefined for anything else. */
export const table = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** A parsed TOML document that remembers where each key and value stands in the source. */
export interface TomlSource {
  file: string;
  value: Record<string, unknown>;
  /** Position of the value at a field path, or of the nearest enclosing key that exists. */
  locate(path: FieldPath): Position;
  /** Position of the key itself (for unknown keys), falling back like `locate`. */
  locateKey(path: FieldPath): Position;
}

const SEP = '\u0000';
const keyOf = (path: FieldPath) => path.map(String).join(SEP);
const pos = (loc: AST.SourceLocation): Position => ({ line: loc.start.line, column: loc.start.column + 1 });

/** Arrays and inline tables nested deeper than this are no configuration; the parser would overflow its stack. */
export const MAX_NESTING = 32;

/**
 * Where brackets and braces first nest deeper than MAX_NESTING, outside strings and comments;
 * table headers open and close on their own line, so they count too without harm.
 */
export function nestingTooDeep(text: string): Position | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const multi = text.startsWith(c.repeat(3), i);
      const close = multi ? c.repeat(3) : c;
      i += close.length;
      while (i < text.length && !text.startsWith(close, i)) {
        if (text[i] === '\n') {
          if (!multi) break;
          line++;
          lineStart = i + 1;
        }
        if (c === '"' && text[i] === '\\') i++;
        i++;
      }
      i += close.length - 1;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return { line, column: i - lineStart + 1 };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** The parser's syntax tree, or why the text is not TOML the Codex can read. */
function parseProgram(file: string, text: string): { program: AST.TOMLProgram } | { diagnostic: LocatedDiagnostic } {
  const deep = nestingTooDeep(text);
  if (deep) {
    return {
      diagnostic: error('LYCHD102', file, deep, `arrays or inline tables are nested more than ${MAX_NESTING} deep`, {
        hint: 'no Codex field nests more than a few levels: flatten the value',
      }),
    };
  }
  try {
    return { program: parseTOML(text, { filePath: file }) };
  } catch (e) {
    if (e instanceof ParseError) {
      return {
        diagnostic: error('LYCHD102', file, { line: e.lineNumber, column: e.column + 1 }, `TOML syntax error: ${e.message}`, {
          hint: 'correct the TOML syntax at this position (see https://toml.io)',
        }),
      };
    }
    throw e;
  }
}

/** Where the key and the value of each field path start; the first occurrence wins. */
interface Positions {
  keys: Map<string, Position>;
  values: Map<string, Position>;
}

function record(at: Positions, path: FieldPath, key: AST.SourceLocation, value: AST.SourceLocation): void {
  const k = keyOf(path);
  if (!at.keys.has(k)) at.keys.set(k, pos(key));
  if (!at.values.has(k)) at.values.set(k, pos(value));
}

/** Array items and inline-table keys are fields too (`volumes[2]`, `a.b`). */
function visitValue(at: Positions, path: FieldPath, node: AST.TOMLContentNode): void {
  if (node.type === 'TOMLArray') {
    node.elements.forEach((el, i) => {
      record(at, [...path, i], el.loc, el.loc);
      visitValue(at, [...path, i], el);
    });
  } else if (node.type === 'TOMLInlineTable') {
    for (const kv of node.body) visitKeyValue(at, path, kv);
  }
}

/** A dotted key (`a.b.c = 1`) also places the tables it implies (`a`, `a.b`) at that key. */
function visitKeyValue(at: Positions, prefix: FieldPath, kv: AST.TOMLKeyValue): void {
  const parts = kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : String(k.value)));
  for (let i = 1; i < parts.length; i++) record(at, [...prefix, ...parts.slice(0, i)], kv.key.loc, kv.key.loc);
  const full = [...prefix, ...parts];
  record(at, full, kv.key.loc, kv.value.loc);
  visitValue(at, full, kv.value);
}

/** A table header (`[a.b]`) places the tables it names, then its own keys under them. */
function visitTable(at: Positions, table: AST.TOMLTable): void {
  const tablePath = table.resolvedKey;
  for (let i = 1; i <= tablePath.length; i++) record(at, tablePath.slice(0, i), table.key.loc, table.loc);
  for (const kv of table.body) visitKeyValue(at, tablePath, kv);
}

function fieldPositions(program: AST.TOMLProgram): Positions {
  const at: Positions = { keys: new Map(), values: new Map() };
  for (const node of program.body[0].body) {
    if (node.type === 'TOMLTable') visitTable(at, node);
    else visitKeyValue(at, [], node);
  }
  return at;
}

/** The position of the longest prefix of `path` that exists, so a missing field points at its table. */
function nearest(map: Map<string, Position>, path: FieldPath): Position {
  for (let n = path.length; n > 0; n--) {
    const found = map.get(keyOf(path.slice(0, n)));
    if (found) return found;
  }
  return START;
}

/**
 * Parses TOML with toml-eslint-parser, which keeps source positions, so that a schema error can
 * point at the key that fails rather than at the file.
 */
export function parseTomlSource(file: string, text: string): { source: TomlSource } | { diagnostic: LocatedDiagnostic } {
  const parsed = parseProgram(file, text);
  if ('diagnostic' in parsed) return parsed;
  const { keys, values } = fieldPositions(parsed.program);
  return {
    source: {
      file,
      value: getStaticTOMLValue(parsed.program) as Record<string, unknown>,
      locate: (path) => nearest(values, path),
      locateKey: (path) => nearest(keys, path),
    },
  };
}
