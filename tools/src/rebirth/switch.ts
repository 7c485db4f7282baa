// The Gate's last step: --confirm and --rollback, one journaled switch that finishes or is undone.
import { bind } from '../inscription';
import { causesOf, escapeForTerminal } from '../diagnostics';
import { CANDIDATE_TAG, daemonReload, imageIdOf, PREVIOUS_TAG, restart, runningServices, tag, untag } from './host';
import { VESSEL_SERVICE } from '../scribe/names';
import { pointer, readBody, setPointer, type Body } from './store';
import { removeJournal, writeJournal, type Journal } from './journal';
import { shortId } from './summary';
import {
  currentTag,
  describeInterrupted,
  gateOf,
  GateError,
  installedGeneration,
  readJournal,
  withGateLock,
  type GateOptions,
} from './gate';
import { planSwitch } from './review';

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
async function switchBody(o: GateOptions, journal: Journal, target: Body, newPrevious: string | undefined): Promise<SwitchResult> {
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
      `Refused: "${escapeForTerminal(id.slice(0, 80))}" is not the staged candidate (${cand}). Nothing changed. ` +
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
  const result = await switchBody(
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
  return switchBody(o, journalFor(o, 'rollback', target, plan.restart), target, current);
}
