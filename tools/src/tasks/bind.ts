import * as path from 'node:path';
import { readCodexFacts } from './output-readers';
import { bindCheck, bindOnHost } from '../inscription/on-host';
import { codexFromFacts } from './facts';
import type { Task } from './task';

export interface BindTaskOptions {
  generationDir: string;
  /** The secrets facts written by `codex:context`. */
  facts: string;
  keep?: number;
  check?: boolean;
}

/**
 * `quadlets:bind`: installs the assembled generation atomically; `quadlets:bind-check` reports drift.
 * The Binding Site comes from LYCHD_BINDING_SITE or the XDG default only, as for the runtime input
 * that decides whether the bind is a cache hit (src/inscription/state.ts).
 */
export const bindTask: Task<BindTaskOptions> = async (options, root, progress) => {
  const onHost = { generationDir: path.join(root, options.generationDir), keep: options.keep, workspaceRoot: root, log: progress };
  if (options.check) return bindCheck(onHost);
  const facts = readCodexFacts(path.join(root, options.facts));
  const result = await bindOnHost(codexFromFacts(facts, root), onHost);
  return { ok: true, summary: result.message };
};
