import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseSpecOf, ensureBase, type BaseRecord } from './base';
import { CONTAINERFILE, containerfileData, renderContainerfile } from './containerfile';
import type { ForgeSources } from './inputs';

/** The Containerfile as the current template, manifest and base render it. */
export async function currentContainerfile(workspaceRoot: string, sources: ForgeSources, progress: (l: string) => void = () => {}): Promise<{ text: string; base: BaseRecord }> {
  const base = await ensureBase(baseSpecOf(sources.prime.forge), progress);
  const data = containerfileData({ manifest: sources.manifest, base: base.record, python: sources.prime.forge.python, port: sources.prime.vessel.port, scrollText: sources.scrollText });
  return { text: renderContainerfile(workspaceRoot, data), base: base.record };
}

/** Writes forge/Containerfile, or with `check` compares: true when it is (now) current. */
export async function writeContainerfile(workspaceRoot: string, sources: ForgeSources, check: boolean, progress?: (l: string) => void): Promise<{ ok: boolean; changed: boolean; text: string }> {
  const { text } = await currentContainerfile(workspaceRoot, sources, progress);
  const file = path.join(workspaceRoot, CONTAINERFILE);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (check) return { ok: current === text, changed: false, text };
  if (current !== text) fs.writeFileSync(file, text);
  return { ok: true, changed: current !== text, text };
}
