import * as fs from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import { parseTomlSource, table, type TomlSource } from '../codex/toml-source';
import type { SynthesisProblem } from './problems';
import { abs } from '../shared/workspace-path';

export type TomlTable = Record<string, unknown>;

export interface TomlFile {
  file: string;
  text: string;
  data: TomlTable;
}

/** Reads a TOML file; a syntax error becomes a problem pointing at its line. */
export function readToml(workspaceRoot: string, file: string, problems: SynthesisProblem[]): TomlFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(abs(workspaceRoot, file), 'utf8');
  } catch {
    problems.push({ code: 'LYCHD300', file, field: '(file)', message: 'cannot be read', fix: `create ${file}` });
    return undefined;
  }
  try {
    return { file, text, data: parse(text) as TomlTable };
  } catch (e) {
    const err = e as TomlError;
    problems.push({
      code: 'LYCHD300',
      file,
      line: typeof err.line === 'number' ? err.line : undefined,
      field: '(syntax)',
      message: `is not valid TOML: ${err.message.split('\n')[0]}`,
      fix: 'correct the TOML syntax at that line',
    });
    return undefined;
  }
}

export function getPath(data: TomlTable, dotted: string[]): unknown {
  let cur: unknown = data;
  for (const key of dotted) {
    const t = table(cur);
    if (!t) return undefined;
    cur = t[key];
  }
  return cur;
}

/**
 * The line of `key` in `[section]` (or of `item`, a value in that key's array), read by the
 * Codex's position-keeping TOML parser: the one way the Forge finds where a key stands.
 */
export function locate(text: string, section: string, key: string, item?: string): number | undefined {
  const source = parsedOnce(text);
  if (!source) return undefined;
  const path = [...(section ? section.split('.') : []), key];
  const value = getPath(source.value, path);
  if (value === undefined) return undefined;
  const index = item !== undefined && Array.isArray(value) ? value.indexOf(item) : -1;
  return (index >= 0 ? source.locate([...path, index]) : source.locateKey(path)).line;
}

// One file is usually asked about several keys in a row: parse it once for them.
let last: { text: string; source: TomlSource | undefined } | undefined;
function parsedOnce(text: string): TomlSource | undefined {
  if (last?.text !== text) {
    const parsed = parseTomlSource('', text);
    last = { text, source: 'diagnostic' in parsed ? undefined : parsed.source };
  }
  return last.source;
}
