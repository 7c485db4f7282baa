// The Gate's second step: what confirming the staged candidate would change, read-only, and its text.
import { escapeForTerminal } from '../diagnostics';
import { baseChange, packageChanges, type PackageChange } from './changes';
import { fileChanges, serviceOfFile, servicesChanged, type UnitChange } from '../inscription';
import { VESSEL_SERVICE } from '../scribe/names';
import { CANDIDATE_TAG, imageIdOf, runningServices } from './host';
import { pointer, readBody, type Body } from './store';
import { shortId } from './summary';
import { currentTag, describeInterrupted, gateOf, GateError, installedGeneration, readJournal, type GateOptions } from './gate';

export interface Review {
  /** The name the Vessel runs the image by (`forge.image`). */
  imageName: string;
  currentImage?: string;
  candidate: Body;
  packages: PackageChange[];
  /** The base image, when it changed. */
  base?: { from: string; to: string };
  units: UnitChange[];
  /** Running services a confirmation would restart (the Vessel always restarts). */
  restart: string[];
  /** A switch that was interrupted, described, when there is one. */
  interrupted?: string;
}

export function planSwitch(o: GateOptions, to: Body, from: Body | undefined): Omit<Review, 'candidate' | 'interrupted'> {
  const installed = installedGeneration(o.bindingSite);
  const before = installed?.files ?? new Map<string, Buffer>();
  const units = fileChanges(before, to.generation.files);
  const changed = servicesChanged(units, to.generation.files, before);
  const all = [...new Set([...before.keys(), ...to.generation.files.keys()].map(serviceOfFile).filter((s): s is string => !!s))];
  const running = runningServices(o.host, all);
  const restartList = [
    ...new Set([VESSEL_SERVICE, ...changed.filter((s) => running.includes(s) && to.generation.files.has(fileOfService(s, to)))]),
  ];
  const base = baseChange(from?.summary.base, to.summary.base);
  return {
    imageName: currentTag(o),
    currentImage: imageIdOf(o.host, currentTag(o)),
    packages: packageChanges(from ? { lock: from.lock, systemPackages: from.summary.systemPackages } : undefined, {
      lock: to.lock,
      systemPackages: to.summary.systemPackages,
    }),
    ...(base ? { base } : {}),
    units,
    restart: restartList.sort(),
  };
}

// A service still defined by the target generation (a removed unit is stopped by systemd's reload, not restarted).
function fileOfService(service: string, body: Body): string {
  return [...body.generation.files.keys()].find((f) => serviceOfFile(f) === service) ?? '';
}

/** What `--confirm` would change. Reads only. */
export function review(o: GateOptions): Review {
  const gate = gateOf(o);
  const name = pointer(gate, 'candidate');
  if (!name)
    throw new GateError(
      'LYCHD704',
      'No candidate is staged. Build the image (`npx nx run forge:image`) and run `lychd-forge rebirth` to stage and review it.',
    );
  const candidate = readBody(gate, name);
  const currentName = pointer(gate, 'current');
  const plan = planSwitch(o, candidate, currentName ? readBody(gate, currentName) : undefined);
  const journal = readJournal(o);
  return { candidate, ...plan, ...(journal ? { interrupted: describeInterrupted(o, journal) } : {}) };
}

export function formatReview(r: Review): string {
  const out: string[] = [];
  if (r.interrupted) out.push(escapeForTerminal(r.interrupted, { multiline: true }), '');
  const cand = shortId(r.candidate.summary.imageId);
  out.push(`Rebirth Gate: a candidate is staged; nothing has changed yet.`);
  out.push(
    `  body:      ${escapeForTerminal(r.imageName)} ${r.currentImage ? shortId(r.currentImage) : '(none)'} -> candidate ${cand} (${CANDIDATE_TAG})`,
  );
  out.push(`  synthesis: ${escapeForTerminal(r.candidate.summary.synthesis)}`);
  if (r.packages.length === 0) out.push('  packages:  no change');
  else {
    out.push(`  packages:  ${r.packages.length} differ`);
    for (const p of r.packages) {
      const mark = p.from === undefined ? '+' : p.to === undefined ? '-' : '~';
      const v = p.from === undefined ? p.to : p.to === undefined ? p.from : `${p.from} -> ${p.to}`;
      out.push(`    ${mark} ${p.ecosystem} ${escapeForTerminal(p.name)} ${escapeForTerminal(v ?? '')}`);
    }
  }
  if (r.base) out.push(`  base:      ${escapeForTerminal(r.base.from)} -> ${escapeForTerminal(r.base.to)}`);
  if (r.units.length === 0) out.push('  units:     no change');
  else {
    out.push(`  units:     ${r.units.length} differ`);
    for (const u of r.units)
      out.push(`    ${u.change === 'added' ? '+' : u.change === 'removed' ? '-' : '~'} ${escapeForTerminal(u.file)}`);
  }
  out.push(`  restarts:  ${r.restart.map((s) => escapeForTerminal(s)).join(' ')}`);
  out.push('', `To apply it: lychd-forge rebirth --confirm ${cand}`);
  return out.join('\n');
}
