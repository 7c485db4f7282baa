import * as path from 'node:path';
import type { Codex, Rune } from '../codex';

/**
 * The Codex as plain JSON, with every path relative to the workspace root, so that a task output
 * never carries the checkout's location and two clones hash the same.
 */
export interface CodexFacts {
  codexDir: string;
  prime: Codex['prime'];
  extensions: string[];
  runes: (Omit<Rune, 'origin'> & { origin: { relativePath: string; provider: string } })[];
}

export function codexFacts(codex: Codex, workspaceRoot: string): CodexFacts {
  return {
    codexDir: path.relative(workspaceRoot, codex.root).split(path.sep).join('/'),
    prime: codex.prime,
    extensions: codex.extensions,
    runes: codex.runes.map((r) => ({ ...r, origin: { relativePath: r.origin.relativePath, provider: r.origin.provider } })) as CodexFacts['runes'],
  };
}

/** The Codex again, for the render functions; rune files are named relative to the workspace. */
export function codexFromFacts(facts: CodexFacts, workspaceRoot: string): Codex {
  const root = path.join(workspaceRoot, facts.codexDir);
  return {
    root,
    prime: facts.prime,
    extensions: facts.extensions,
    runes: facts.runes.map((r) => ({ ...r, origin: { ...r.origin, file: r.origin.relativePath } })) as Rune[],
  };
}

/** Canonical JSON: sorted keys, two-space indent, trailing newline. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]))
        : v;
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** Every fact file `codex:context` writes, by name: each is the whole input of the tasks that read it. */
export function contextFiles(codex: Codex, workspaceRoot: string, scribeContext: unknown): Map<string, string> {
  const facts = codexFacts(codex, workspaceRoot);
  const files = new Map<string, string>();
  files.set('scribe-context.json', canonicalJson(scribeContext));
  for (const part of ['pod', 'core', 'observability', 'capabilities']) files.set(`${part}.json`, canonicalJson(facts));
  files.set('forge.json', canonicalJson({ forge: codex.prime.forge, extensions: codex.extensions }));
  return files;
}
