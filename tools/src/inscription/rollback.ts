import * as path from 'node:path';
import { BindResult, DEFAULT_LOCK_TIMEOUT_MS, pathsFor } from './bind';
import { lstatOrUndefined } from '../shared/fsutil';
import { preflight, applyRollbackPlan } from './inscribe';
import { idOfDir } from './store';
import { SystemctlRunner, systemctlUser } from './systemctl';
import { describeLinks } from './unit-links';
import { failure } from '../diagnostics';

export interface RollbackOptions {
  bindingSite: string;
  storeDir?: string;
  reload?: SystemctlRunner | false;
  lockTimeoutMs?: number;
  /** The user's systemd unit folder, where the coven targets are linked (unit-links.ts). */
  unitDir?: string;
}

/**
 * Switch `lychd` back to the previous generation, atomically and byte for byte (the store copy
 * is checked against its content id first). The generation it replaces becomes the previous
 * one, so a second rollback undoes the first.
 */
export async function rollback(options: RollbackOptions): Promise<BindResult> {
  const paths = pathsFor(options.bindingSite, options.storeDir);
  if (lstatOrUndefined(paths.store) === undefined) {
    throw failure('LYCHD504', `no previous generation to roll back to: nothing was ever bound to ${paths.site}`, {
      why: `the generation store ${paths.store} does not exist`,
    });
  }
  preflight(paths);
  const out = await applyRollbackPlan({
    paths,
    reload: options.reload ?? systemctlUser,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    unitDir: options.unitDir === undefined ? undefined : path.resolve(options.unitDir),
  });
  const generation = idOfDir(out.current) as string;
  const previous = out.previous ? idOfDir(out.previous) : undefined;
  const notes = [`rolled ${paths.link} back to generation ${generation}${previous ? ` (was ${previous})` : ''}`];
  if (out.recovered.length > 0) notes.push(`cleaned up after an interrupted run: ${out.recovered.join(', ')}`);
  if (options.unitDir !== undefined && out.links) notes.push(...describeLinks(path.resolve(options.unitDir), out.links));
  if (out.reload) notes.push(out.reload.message);
  return {
    status: 'bound',
    generation,
    ...(previous ? { previous } : {}),
    reloaded: out.reload?.reloaded ?? false,
    message: notes.join('; '),
  };
}
