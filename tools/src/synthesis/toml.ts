import * as fs from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import type { SynthesisProblem } from './problems';
import { abs } from './layout';

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
    problems.push({ file, field: '(file)', message: 'cannot be read', fix: `create ${file}` });
    return undefined;
  }
  try {
    return { file, text, data: parse(text) as TomlTable };
  } catch (e) {
    const err = e as TomlError;
    problems.push({
      file,
      line: typeof err.line === 'number' ? err.line : undefined,
      field: '(syntax)',
      message: `is not valid TOML: ${err.message.split('\n')[0]}`,
      fix: 'correct the TOML syntax at that line',
    });
    return undefined;
  }
}

export function table(value: unknown): TomlTable | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as TomlTable) : undefined;
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

const HEADER = /^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$/;

/**
 * Finds the line of `key` inside `[section]` (or of `item`, a string value inside that key's
 * array), by scanning the text: smol-toml gives values but no positions.
 */
export function locate(text: string, section: string, key: string, item?: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const wanted = section
    .split('.')
    .map((s) => s.replace(/^"|"$/g, ''))
    .join('.');
  let inSection = section === '';
  let keyLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const header = HEADER.exec(line);
    if (header?.[1]) {
      if (keyLine !== undefined) break;
      inSection =
        header[1]
          .split('.')
          .map((s) => s.trim().replace(/^"|"$/g, ''))
          .join('.') === wanted;
      continue;
    }
    if (!inSection) continue;
    if (keyLine === undefined) {
      if (new RegExp(`^\\s*"?${escapeRe(key)}"?\\s*=`).test(line)) {
        keyLine = i + 1;
        if (item === undefined) return keyLine;
      } else continue;
    }
    if (item !== undefined && (line.includes(JSON.stringify(item)) || line.includes(`'${item}'`))) return i + 1;
  }
  return keyLine;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
