import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGE_SUMMARY_FILE } from '../artifacts/image-summary';
import { acquireLock, bind, idOfDir, lockHolder, pathsFor, readGenerationDir, readLink, releaseLock } from '../inscription';
import { sha256 } from '../shared/digest';
import { causesOf, escapeForTerminal as printable, ForgeError, type StageCode } from '../diagnostics';
import { baseChange, fileChanges, packageChanges, serviceOf, servicesChanged, type PackageChange, type UnitChange } from './changes';
import {
  CANDIDATE_TAG,
  CURRENT_TAG,
  daemonReload,
  imageIdOf,
  loadLayout,
  PREVIOUS_TAG,
  restart,
  runningServices,
  tag,
  untag,
  VESSEL_SERVICE,
  type Host,
} from './host';
import { defaultGateDir, pointer, readBody, setPointer, writeBody, type Body } from './store';
import { DamagedJournal, readJournal as readJournalFile, removeJournal, writeJournal, type Journal } from './journal';
import { readImageSummary, shortId } from './summary';

export interface GateOptions {
  bindingSite: string;
  /** The user's systemd unit folder, where the coven targets are linked (inscription/unit-links.ts). */
  unitDir?: string;
  /** Default: beside the Binding Site (store.ts). */
  gateDir?: string;
  host: Host;
  log?: (line: string) => void;
  /** The name the activated image gets: the Prime Scroll's `forge.image` (default localhost/lychd:custom). */
  imageName?: string;
}

const currentTag = (o: GateOptions): string => o.imageName ?? CURRENT_TAG;

/** A refusal or failure of the Gate, in the Forge's one error model: it says what the host holds and what to do. */
export class GateError extends ForgeError {
  constructor(code: StageCode<'7'>, message: string, cause?: string[]) {
    super([{ severity: 'error', code, message, cause }]);
    this.name = 'GateError';
  }
}

const gateOf = (o: GateOptions) => path.resolve(o.gateDir ?? defaultGateDir(o.bindingSite));

/**
 * One Gate run at a time may change the host: a second `rebirth`, `--confirm` or `--rollback`
 * is refused at once, naming the holder. A holder that died (SIGKILL) leaves a lock that the
 * next run takes over; its journal then says what to finish or undo.
 */
async function withGateLock<T>(o: GateOptions, fn: () => Promise<T>, { creates = false } = {}): Promise<T> {
  // With no store there is nothing to switch, and the refusal must leave no folder behind.
  if (!creates && !fs.existsSync(gateOf(o))) return fn();
  const dir = path.join(gateOf(o), 'lock');
  fs.mkdirSync(dir, { recursive: true });
  const busy = (holder: { pid: number; file: string } | undefined) =>
    new GateError(
      'LYCHD703',
      `Refused: another \`lychd-forge rebirth\` (pid ${holder?.pid ?? '?'}) is changing this host. Nothing changed. ` +
        `Wait for it to finish, then run again${holder ? `; if pid ${holder.pid} is not a lychd-forge rebirth (a reused pid), rename ${printable(holder.file)} to ${printable(holder.file)}.free` : ''}.`,
    );
  const holder = lockHolder(dir);
  if (holder) throw busy(holder);
  let lock;
  try {
    lock = await acquireLock(dir, 0, { lock: 'the Rebirth Gate', holder: 'lychd-forge rebirth' });
  } catch (e) {
    if (e instanceof ForgeError) throw busy(lockHolder(dir));
    throw e;
  }
  try {
    return await fn();
  } finally {
    releaseLock(lock);
  }
}

/** The ways back to a consistent host that the store offers, body names being `<short image id>-<generation id>`. */
function recoveries(gate: string): string[] {
  const candidate = pointer(gate, 'candidate');
  const previous = pointer(gate, 'previous');
  const current = pointer(gate, 'current');
  return [
    ...(candidate ? [`\`lychd-forge rebirth --confirm ${candidate.slice(0, 12)}\` switches to the staged candidate ${candidate};`] : []),
    ...(previous ? [`\`lychd-forge rebirth --rollback\` returns to the previous body ${previous};`] : []),
    ...(!candidate && !previous && current
      ? [`stage the current body's image again (\`lychd-forge rebirth --image <its image folder>\`) and confirm it (${current});`]
      : []),
  ];
}

/** The journal of an interrupted switch; a damaged one stops the Gate with what the host holds and how to recover. */
function readJournal(o: GateOptions): Journal | undefined {
  const gate = gateOf(o);
  try {
    return readJournalFile(gate);
  } catch (e) {
    if (!(e instanceof DamagedJournal)) throw e;
    const image = (ref: string) => {
      const id = imageIdOf(o.host, ref);
      return id ? shortId(id) : '(none)';
    };
    const body = (which: 'current' | 'previous' | 'candidate') => pointer(gate, which) ?? '(none)';
    throw new GateError(
      'LYCHD702',
      [
        `The Rebirth Gate's journal ${printable(e.file)} is damaged: ${printable(e.why)}.`,
        'It cannot be trusted to finish or undo a switch, so nothing was changed. What the host holds now:',
        `  image:        ${currentTag(o)} ${image(currentTag(o))}, ${PREVIOUS_TAG} ${image(PREVIOUS_TAG)}, ${CANDIDATE_TAG} ${image(CANDIDATE_TAG)}`,
        `  generation:   ${installedGeneration(o.bindingSite)?.id ?? '(none)'} installed in ${printable(o.bindingSite)}`,
        `  Gate bodies:  current ${body('current')}, previous ${body('previous')}, candidate ${body('candidate')} (<image>-<generation>)`,
        `To recover: move the journal aside (\`mv ${printable(e.file)} ${printable(e.file)}.damaged\`), then`,
        ...recoveries(gate).map((r) => `  ${r}`),
        'Each sets the image and the generation together again.',
      ].join('\n'),
    );
  }
}

/** The generation the Binding Site shows now: its id and files, or undefined when nothing is bound. */
function installedGeneration(bindingSite: string): { id: string; files: Map<string, Buffer> } | undefined {
  const paths = pathsFor(bindingSite);
  if (!fs.existsSync(paths.store)) return undefined;
  const link = readLink(paths);
  if (link.kind !== 'generation') return undefined;
  return { id: idOfDir(link.dir) as string, files: readGenerationDir(paths.store, link.dir) };
}

// ------------------------------------------------------------------------------------ staging

export interface StageInput {
  /** forge:image's output: image.json + oci/. */
  imageDir: string;
  /** The Synthesis Manifest the image was built from (forge/synthesis.lock.json). */
  synthesisFile: string;
  /** The generation rendered from the same Codex, already validated. */
  generationDir: string;
}

/**
 * Loads the image into the user's podman as localhost/lychd:candidate and stores the body (image
 * summary, Synthesis Manifest, generation) in the Gate's store. Nothing that runs changes:
 * the image name (forge.image) and the Binding Site stay as they are.
 */
export function stage(o: GateOptions, input: StageInput): Promise<Body> {
  return withGateLock(o, () => stageLocked(o, input), { creates: true });
}

async function stageLocked(o: GateOptions, input: StageInput): Promise<Body> {
  readJournal(o); // a damaged journal stops the Gate before anything is loaded or tagged
  const summary = readImageSummary(input.imageDir);
  const lockBytes = fs.readFileSync(input.synthesisFile);
  const lockDigest = `sha256:${sha256(lockBytes)}`;
  if (lockDigest !== summary.synthesis) {
    throw new GateError(
      'LYCHD700',
      `${path.join(input.imageDir, IMAGE_SUMMARY_FILE)}: the image was built from Synthesis Manifest ${summary.synthesis}, ` +
        `but ${input.synthesisFile} is ${lockDigest}. Rebuild the image from the current manifest (\`npx nx run forge:image\`), ` +
        'so that the body and the generation come from the same synthesis.',
    );
  }
  const loaded = loadLayout(o.host, path.resolve(input.imageDir, 'oci'), summary.refName);
  if (loaded !== summary.imageId) {
    throw new GateError(
      'LYCHD700',
      `podman loaded image ${loaded} from ${input.imageDir}/oci, but image.json says ${summary.imageId}: the layout and its summary disagree; rebuild the image.`,
    );
  }
  tag(o.host, loaded, CANDIDATE_TAG);
  const gate = gateOf(o);
  const name = await writeBody(gate, input.imageDir, lockBytes, input.generationDir);
  setPointer(gate, 'candidate', name);
  return readBody(gate, name);
}

// ------------------------------------------------------------------------------------ review

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

function planSwitch(o: GateOptions, to: Body, from: Body | undefined): Omit<Review, 'candidate' | 'interrupted'> {
  const installed = installedGeneration(o.bindingSite);
  const before = installed?.files ?? new Map<string, Buffer>();
  const units = fileChanges(before, to.generation.files);
  const changed = servicesChanged(units, to.generation.files, before);
  const all = [...new Set([...before.keys(), ...to.generation.files.keys()].map(serviceOf).filter((s): s is string => !!s))];
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
  return [...body.generation.files.keys()].find((f) => serviceOf(f) === service) ?? '';
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
  if (r.interrupted) out.push(printable(r.interrupted, { multiline: true }), '');
  const cand = shortId(r.candidate.summary.imageId);
  out.push(`Rebirth Gate: a candidate is staged; nothing has changed yet.`);
  out.push(
    `  body:      ${printable(r.imageName)} ${r.currentImage ? shortId(r.currentImage) : '(none)'} -> candidate ${cand} (${CANDIDATE_TAG})`,
  );
  out.push(`  synthesis: ${printable(r.candidate.summary.synthesis)}`);
  if (r.packages.length === 0) out.push('  packages:  no change');
  else {
    out.push(`  packages:  ${r.packages.length} differ`);
    for (const p of r.packages) {
      const mark = p.from === undefined ? '+' : p.to === undefined ? '-' : '~';
      const v = p.from === undefined ? p.to : p.to === undefined ? p.from : `${p.from} -> ${p.to}`;
      out.push(`    ${mark} ${p.ecosystem} ${printable(p.name)} ${printable(v ?? '')}`);
    }
  }
  if (r.base) out.push(`  base:      ${printable(r.base.from)} -> ${printable(r.base.to)}`);
  if (r.units.length === 0) out.push('  units:     no change');
  else {
    out.push(`  units:     ${r.units.length} differ`);
    for (const u of r.units) out.push(`    ${u.change === 'added' ? '+' : u.change === 'removed' ? '-' : '~'} ${printable(u.file)}`);
  }
  out.push(`  restarts:  ${r.restart.map((s) => printable(s)).join(' ')}`);
  out.push('', `To apply it: lychd-forge rebirth --confirm ${cand}`);
  return out.join('\n');
}

// ------------------------------------------------------------------------------------ switching

/** Where the host is after an interrupted switch, and what to do. */
export function describeInterrupted(o: GateOptions, j: Journal): string {
  const image = imageIdOf(o.host, currentTag(o));
  const gen = installedGeneration(o.bindingSite)?.id;
  const newBody = image === j.toImage;
  const newGen = gen === j.toGeneration;
  const where =
    newBody && newGen
      ? `the NEW body ${shortId(j.toImage)} and generation ${j.toGeneration} are in place (some restarts may not have happened)`
      : !newBody && !newGen
        ? `the OLD body ${j.fromImage ? shortId(j.fromImage) : '(none)'} and generation ${j.fromGeneration ?? '(none)'} are still in place`
        : `the switch stopped half way (body ${image ? shortId(image) : '(none)'}, generation ${gen ?? '(none)'})`;
  return (
    `An earlier \`rebirth ${j.action === 'confirm' ? '--confirm' : '--rollback'}\` was interrupted: ${where}. ` +
    `Run \`lychd-forge rebirth --rollback\` to return to the old body and generation, or repeat ` +
    `\`lychd-forge rebirth ${j.action === 'confirm' ? `--confirm ${shortId(j.toImage)}` : '--rollback'}\` to finish it.`
  );
}

export interface SwitchResult {
  image: string;
  generation: string;
  restarted: string[];
  message: string;
}

/**
 * The one ritual behind --confirm and --rollback: keep the old body as localhost/lychd:previous,
 * install the target generation with bind's atomic switch, make the target image
 * the image name (forge.image), daemon-reload, restart the Vessel and the running units whose
 * definition changed. A failure at any step returns the host to the old body and generation.
 */
async function switchTo(o: GateOptions, journal: Journal, target: Body, newPrevious: string | undefined): Promise<SwitchResult> {
  const gate = gateOf(o);
  const log = o.log ?? (() => {});
  writeJournal(gate, journal);
  try {
    if (journal.fromImage && journal.fromImage !== journal.toImage) tag(o.host, journal.fromImage, PREVIOUS_TAG);
    log(`installing generation ${target.generation.id}`);
    await bind({ generationDir: target.generationDir, bindingSite: o.bindingSite, unitDir: o.unitDir, reload: false });
    tag(o.host, journal.toImage, currentTag(o));
    setPointer(gate, 'previous', newPrevious);
    setPointer(gate, 'current', target.name);
    daemonReload(o.host);
    log(`restarting ${journal.restart.join(' ')}`);
    restart(o.host, journal.restart);
  } catch (e) {
    const back = await undo(o, journal).then(
      () =>
        `The host is back on the old body ${journal.fromImage ? shortId(journal.fromImage) : '(none)'} and generation ${journal.fromGeneration ?? '(none)'}.`,
      (u: Error) => `Returning to the old body failed too (${u.message}). ${describeInterrupted(o, journal)}`,
    );
    throw new GateError('LYCHD701', `the switch to ${target.name} failed. ${back}`, causesOf(e));
  }
  removeJournal(gate);
  return {
    image: journal.toImage,
    generation: journal.toGeneration,
    restarted: journal.restart,
    message: `${currentTag(o)} is now ${shortId(journal.toImage)}, generation ${journal.toGeneration} is installed; restarted ${journal.restart.join(' ')}.`,
  };
}

/** Puts back what the journal says was there before, then forgets the journal. */
async function undo(o: GateOptions, j: Journal): Promise<void> {
  const gate = gateOf(o);
  if (j.fromImage) tag(o.host, j.fromImage, currentTag(o));
  else untag(o.host, currentTag(o));
  if (j.fromGeneration && installedGeneration(o.bindingSite)?.id !== j.fromGeneration) {
    const dir = [j.fromCurrent, j.fromPrevious]
      .filter((n): n is string => !!n)
      .map((n) => readBody(gate, n))
      .find((b) => b.generation.id === j.fromGeneration)?.generationDir;
    if (dir) await bind({ generationDir: dir, bindingSite: o.bindingSite, unitDir: o.unitDir, reload: false });
    else {
      const { rollback } = await import('../inscription');
      await rollback({ bindingSite: o.bindingSite, unitDir: o.unitDir, reload: false });
    }
  }
  setPointer(gate, 'current', j.fromCurrent);
  setPointer(gate, 'previous', j.fromPrevious);
  daemonReload(o.host);
  restart(
    o.host,
    j.restart.filter((s) => s === VESSEL_SERVICE || runningServices(o.host, [s]).length > 0),
  );
  removeJournal(gate);
}

function journalFor(o: GateOptions, action: Journal['action'], target: Body, restartList: string[]): Journal {
  const gate = gateOf(o);
  const fromImage = imageIdOf(o.host, currentTag(o));
  const fromGeneration = installedGeneration(o.bindingSite)?.id;
  const fromCurrent = pointer(gate, 'current');
  const fromPrevious = pointer(gate, 'previous');
  return {
    action,
    ...(fromImage ? { fromImage } : {}),
    ...(fromGeneration ? { fromGeneration } : {}),
    ...(fromCurrent ? { fromCurrent } : {}),
    ...(fromPrevious ? { fromPrevious } : {}),
    to: target.name,
    toImage: target.summary.imageId,
    toGeneration: target.generation.id,
    restart: restartList,
  };
}

/** `--confirm <id>`: applies the staged candidate, only when <id> is the one that was shown. */
export function confirm(o: GateOptions, id: string): Promise<SwitchResult> {
  return withGateLock(o, () => confirmLocked(o, id));
}

async function confirmLocked(o: GateOptions, id: string): Promise<SwitchResult> {
  const gate = gateOf(o);
  const pending = readJournal(o);
  const name = pointer(gate, 'candidate') ?? (pending?.action === 'confirm' ? pending.to : undefined);
  if (!name) throw new GateError('LYCHD704', 'No candidate is staged: run `lychd-forge rebirth` to stage and review one first.');
  const candidate = readBody(gate, name);
  const cand = shortId(candidate.summary.imageId);
  if (!/^[0-9a-f]{12}$/.test(id) || id !== cand) {
    throw new GateError(
      'LYCHD700',
      `Refused: "${printable(id.slice(0, 80))}" is not the staged candidate (${cand}). Nothing changed. ` +
        'Run `lychd-forge rebirth` to review what is staged and confirm with the id it shows.',
    );
  }
  const loaded = imageIdOf(o.host, CANDIDATE_TAG);
  if (!pending && loaded !== candidate.summary.imageId) {
    throw new GateError(
      'LYCHD700',
      `Refused: ${CANDIDATE_TAG} is ${loaded ? shortId(loaded) : 'missing'}, not the reviewed candidate ${cand} (stale). ` +
        'Nothing changed. Run `lychd-forge rebirth` to stage and review again.',
    );
  }
  const currentName = pointer(gate, 'current');
  const journal =
    pending ?? journalFor(o, 'confirm', candidate, planSwitch(o, candidate, currentName ? readBody(gate, currentName) : undefined).restart);
  const result = await switchTo(
    o,
    journal,
    candidate,
    journal.fromCurrent && journal.fromCurrent !== candidate.name ? journal.fromCurrent : journal.fromPrevious,
  );
  setPointer(gate, 'candidate', undefined);
  untag(o.host, CANDIDATE_TAG);
  return result;
}

/** `--rollback`: back to the previous body and its generation (or undoes an interrupted switch). */
export function rollbackBody(o: GateOptions): Promise<SwitchResult> {
  return withGateLock(o, () => rollbackLocked(o));
}

async function rollbackLocked(o: GateOptions): Promise<SwitchResult> {
  const gate = gateOf(o);
  const pending = readJournal(o);
  if (pending) {
    await undo(o, pending);
    return {
      image: pending.fromImage ?? '',
      generation: pending.fromGeneration ?? '',
      restarted: [VESSEL_SERVICE],
      message: `Undid the interrupted switch: ${currentTag(o)} is ${pending.fromImage ? shortId(pending.fromImage) : '(none)'} again, generation ${pending.fromGeneration ?? '(none)'}.`,
    };
  }
  const prev = pointer(gate, 'previous');
  if (!prev)
    throw new GateError(
      'LYCHD704',
      'No previous body to return to: only one body was ever confirmed through the Rebirth Gate. Nothing changed.',
    );
  const target = readBody(gate, prev);
  const current = pointer(gate, 'current');
  const plan = planSwitch(o, target, current ? readBody(gate, current) : undefined);
  return switchTo(o, journalFor(o, 'rollback', target, plan.restart), target, current);
}
