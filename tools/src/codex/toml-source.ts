import { parseTOML, getStaticTOMLValue, ParseError, type AST } from 'toml-eslint-parser';
import { error, START, type Diagnostic, type Position } from './diagnostics';

export type FieldPath = readonly (string | number)[];

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

/**
 * Parses TOML with toml-eslint-parser, which keeps source positions, so that a schema error can
 * point at the key that fails rather than at the file.
 */
export function parseTomlSource(file: string, text: string): { source: TomlSource } | { diagnostic: Diagnostic } {
  const deep = nestingTooDeep(text);
  if (deep) {
    return {
      diagnostic: error(file, deep, `arrays or inline tables are nested more than ${MAX_NESTING} deep`, {
        hint: 'no Codex field nests more than a few levels: flatten the value',
      }),
    };
  }
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(text, { filePath: file });
  } catch (e) {
    if (e instanceof ParseError) {
      return {
        diagnostic: error(file, { line: e.lineNumber, column: e.column + 1 }, `TOML syntax error: ${e.message}`, {
          hint: 'correct the TOML syntax at this position (see https://toml.io)',
        }),
      };
    }
    throw e;
  }
  const values = new Map<string, Position>();
  const keys = new Map<string, Position>();
  const record = (path: FieldPath, key: AST.SourceLocation, value: AST.SourceLocation) => {
    const k = keyOf(path);
    if (!keys.has(k)) keys.set(k, pos(key));
    if (!values.has(k)) values.set(k, pos(value));
  };
  const visitValue = (path: FieldPath, node: AST.TOMLContentNode) => {
    if (node.type === 'TOMLArray') {
      node.elements.forEach((el, i) => {
        record([...path, i], el.loc, el.loc);
        visitValue([...path, i], el);
      });
    } else if (node.type === 'TOMLInlineTable') {
      for (const kv of node.body) visitKeyValue(path, kv);
    }
  };
  const visitKeyValue = (prefix: FieldPath, kv: AST.TOMLKeyValue) => {
    const parts = kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : String(k.value)));
    for (let i = 1; i < parts.length; i++) record([...prefix, ...parts.slice(0, i)], kv.key.loc, kv.key.loc);
    const full = [...prefix, ...parts];
    record(full, kv.key.loc, kv.value.loc);
    visitValue(full, kv.value);
  };
  const top = program.body[0];
  for (const node of top.body) {
    if (node.type === 'TOMLTable') {
      const tablePath = node.resolvedKey;
      for (let i = 1; i <= tablePath.length; i++) record(tablePath.slice(0, i), node.key.loc, node.loc);
      for (const kv of node.body) visitKeyValue(tablePath, kv);
    } else {
      visitKeyValue([], node);
    }
  }
  const fallback = (map: Map<string, Position>, path: FieldPath): Position => {
    for (let n = path.length; n > 0; n--) {
      const found = map.get(keyOf(path.slice(0, n)));
      if (found) return found;
    }
    return START;
  };
  const value = getStaticTOMLValue(program) as Record<string, unknown>;
  return {
    source: {
      file,
      value,
      locate: (path) => fallback(values, path),
      locateKey: (path) => fallback(keys, path),
    },
  };
}
