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

/**
 * Parses TOML with toml-eslint-parser, which keeps source positions, so that a schema error can
 * point at the key that fails rather than at the file.
 */
export function parseTomlSource(file: string, text: string): { source: TomlSource } | { diagnostic: Diagnostic } {
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
