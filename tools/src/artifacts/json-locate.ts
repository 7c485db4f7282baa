import type { Position } from '../diagnostics';

export type JsonPath = readonly PropertyKey[];

/** 1-based line and column of an offset. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/**
 * Where the value at `path` starts in a JSON text that parses: the deepest part of the path that
 * exists (a missing key points at the object that lacks it). A scan, not a second parse, so it
 * knows the offsets JSON.parse does not give.
 */
export function locateJson(text: string, path: JsonPath): Position {
  let i = 0;
  let found = 0;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (depth: number, onPath: boolean): void => {
    space();
    if (onPath) found = i;
    const next = (key: PropertyKey) => onPath && depth < path.length && path[depth] === key;
    const open = text[i];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (let index = 0; ; index++) {
        space();
        let key: PropertyKey = index;
        if (open === '{') {
          key = string();
          space();
          i++; // the colon
        }
        value(depth + 1, next(key));
        space();
        if (text[i++] === close) return;
      }
    }
    if (open === '"') return void string();
    while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++;
  };
  try {
    value(0, true);
  } catch {
    // Nesting too deep for the scan: the file's start is still a place.
  }
  return positionAt(text, found);
}

/** `components[1].name`: a path as the diagnostics name a field. */
export function fieldName(path: JsonPath): string {
  return path.map((k, n) => (typeof k === 'number' ? `[${k}]` : n === 0 ? String(k) : `.${String(k)}`)).join('');
}
