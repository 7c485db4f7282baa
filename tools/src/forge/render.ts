import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseSpecOf, ensureBase, type BuiltBase } from './base';
import { CONTAINERFILE, containerfileData, renderContainerfile, type ContainerfileData } from './containerfile';
import type { ForgeSources } from './inputs';

/** The Containerfile as the current template, manifest and base render it, with its data and base. */
export async function currentContainerfile(
  workspaceRoot: string,
  sources: ForgeSources,
  progress: (l: string) => void = () => {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ text: string; data: ContainerfileData; base: BuiltBase }> {
  const base = await ensureBase(baseSpecOf(sources.prime.forge), progress, env);
  const data = containerfileData({
    manifest: sources.manifest,
    base: base.record,
    python: sources.prime.forge.python,
    port: sources.prime.vessel.port,
    scrollText: sources.scrollText,
    scrollFile: sources.scrollFile,
  });
  return { text: renderContainerfile(workspaceRoot, data), data, base };
}

/** Writes forge/Containerfile, or with `check` compares: true when it is (now) current. */
export async function writeContainerfile(
  workspaceRoot: string,
  sources: ForgeSources,
  check: boolean,
  progress?: (l: string) => void,
): Promise<{ ok: boolean; changed: boolean; text: string }> {
  const { text } = await currentContainerfile(workspaceRoot, sources, progress);
  const file = path.join(workspaceRoot, CONTAINERFILE);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (check) return { ok: current === text, changed: false, text };
  if (current !== text) fs.writeFileSync(file, text);
  return { ok: true, changed: current !== text, text };
}
