import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuiltBase } from './base';
import type { BaseRecord } from '../artifacts/base-record';
import { debFileName, debianArchiveOf, lockProblems, workspaceBase } from './debian-lock';
import { readDebianLock, type DebianLock } from '../artifacts/debian-lock';
import { imageFailure } from './errors';
import { CONTAINERFILE, containerfileData, renderContainerfile, type ContainerfileData } from './containerfile';
import type { ForgeSources } from './inputs';
import { writeOutputFile } from '../shared/fsutil';

/** The Containerfile as the current template, manifest and base render it, with its data and base. */
export async function currentContainerfile(
  workspaceRoot: string,
  sources: ForgeSources,
  progress: (l: string) => void = () => {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ text: string; data: ContainerfileData; base: BuiltBase; lock?: DebianLock }> {
  const base = await workspaceBase(sources, progress, env);
  const lock = base.record.kind === 'debian' ? currentDebianLock(sources, base.record, env) : undefined;
  const data = containerfileData({
    manifest: sources.manifest,
    base: base.record,
    debs: lock?.packages.map(debFileName),
    python: sources.prime.forge.python,
    port: sources.prime.vessel.port,
    scrollText: sources.scrollText,
    scrollFile: sources.scrollFile,
  });
  return { text: renderContainerfile(workspaceRoot, data), data, base, lock };
}

/** The committed Debian lock, when it was resolved for this manifest, base and archive; else every reason it was not. */
function currentDebianLock(sources: ForgeSources, base: BaseRecord, env: NodeJS.ProcessEnv): DebianLock | undefined {
  const lock = readDebianLock(sources.workspaceRoot);
  if (!lock && !sources.manifest.system.length) return undefined;
  const problems = lockProblems(sources.workspaceRoot, lock, sources.manifest, base, debianArchiveOf(sources.prime.forge, env));
  if (problems.length)
    throw imageFailure(
      'LYCHD304',
      `the Debian lock does not match: ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was built`,
      problems,
    );
  return lock;
}

/** Writes forge/Containerfile, or with `check` compares: true when it is (now) current. */
export async function writeContainerfile(
  workspaceRoot: string,
  sources: ForgeSources,
  check: boolean,
  progress?: (l: string) => void,
): Promise<{ ok: boolean; changed: boolean; text: string; committed?: string }> {
  const { text } = await currentContainerfile(workspaceRoot, sources, progress);
  const file = path.join(workspaceRoot, CONTAINERFILE);
  const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (check) return { ok: committed === text, changed: false, text, committed };
  if (committed !== text) writeOutputFile(file, text);
  return { ok: true, changed: committed !== text, text, committed };
}
