import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileChanges, serviceOfFile, servicesChanged } from './unit-changes';
import { VESSEL_SERVICE } from '../scribe/names';
import { readTree, type GenerationFiles } from './generation';

/** The generation a Binding Site holds now (through its `lychd` link); empty when none. */
export function installedFiles(bindingSite: string): GenerationFiles {
  const link = path.join(bindingSite, 'lychd');
  return fs.existsSync(link) ? readTree(link) : new Map();
}

export interface PendingRestarts {
  /** Running services whose definition changed, the Vessel left out: `systemctl --user restart` them. */
  restart: string[];
  /** The Vessel's definition changed and it runs: only the Rebirth Gate restarts it. */
  vessel: boolean;
}

/**
 * A bind installs units and reloads systemd, but a running service keeps its old definition until
 * it restarts: these are the ones to restart. `running` says which of the given services run.
 */
export function pendingRestarts(
  before: GenerationFiles,
  after: GenerationFiles,
  running: (services: string[]) => string[],
): PendingRestarts {
  // Removed units are stopped by the reload, not restarted.
  const defined = new Set([...after.keys()].map(serviceOfFile));
  const changed = servicesChanged(fileChanges(before, after), after, before).filter((s) => defined.has(s));
  const live = new Set(running(changed));
  return {
    restart: changed.filter((s) => live.has(s) && s !== VESSEL_SERVICE),
    vessel: live.has(VESSEL_SERVICE) && changed.includes(VESSEL_SERVICE),
  };
}

export function formatPending(p: PendingRestarts): string[] {
  if (p.restart.length === 0 && !p.vessel) return ['No running unit runs an outdated definition.'];
  const out = ['Running units whose definition changed keep the old one until they restart:'];
  if (p.restart.length > 0) out.push(`  systemctl --user restart ${p.restart.join(' ')}`);
  if (p.vessel) out.push(`  ${VESSEL_SERVICE}: restart it through the Rebirth Gate (lychd-forge rebirth, then --confirm <id>)`);
  return out;
}
