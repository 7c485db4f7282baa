// What every step of the Rebirth Gate shares: its options and error, the one-run-at-a-time lock,
// the journal of an interrupted switch and the generation the Binding Site shows. The steps are
// stage.ts (load a candidate), review.ts (what a confirmation would change) and switch.ts
// (--confirm and --rollback).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireLock, idOfDir, lockHolder, pathsFor, readGenerationDir, readLink, releaseLock } from '../inscription';
import { escapeForTerminal, ForgeError, type StageCode } from '../diagnostics';
import { CANDIDATE_TAG, CURRENT_TAG, imageIdOf, PREVIOUS_TAG, type Host } from './host';
import { defaultGateDir, pointer } from './store';
import { DamagedJournal, readJournalFile, type Journal } from './journal';
import { shortId } from './summary';

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

export const currentTag = (o: GateOptions): string => o.imageName ?? CURRENT_TAG;

/** A refusal or failure of the Gate, in the Forge's one error model: it says what the host holds and what to do. */
export class GateError extends ForgeError {
  constructor(code: StageCode<'7'>, message: string, cause?: string[]) {
    super([{ severity: 'error', code, message, cause }]);
    this.name = 'GateError';
  }
}

export const gateOf = (o: GateOptions) => path.resolve(o.gateDir ?? defaultGateDir(o.bindingSite));

/**
 * One Gate run at a time may change the host: a second `rebirth`, `--confirm` or `--rollback`
 * is refused at once, naming the holder. A holder that died (SIGKILL) leaves a lock that the
 * next run takes over; its journal then says what to finish or undo.
 */
export async function withGateLock<T>(o: GateOptions, fn: () => Promise<T>, { creates = false } = {}): Promise<T> {
  // With no store there is nothing to switch, and the refusal must leave no folder behind.
  if (!creates && !fs.existsSync(gateOf(o))) return fn();
  const dir = path.join(gateOf(o), 'lock');
  fs.mkdirSync(dir, { recursive: true });
  const busy = (holder: { pid: number; file: string } | undefined) =>
    new GateError(
      'LYCHD703',
      `Refused: another \`lychd-forge rebirth\` (pid ${holder?.pid ?? '?'}) is changing this host. Nothing changed. ` +
        `Wait for it to finish, then run again${holder ? `; if pid ${holder.pid} is not a lychd-forge rebirth (a reused pid), rename ${escapeForTerminal(holder.file)} to ${escapeForTerminal(holder.file)}.free` : ''}.`,
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
export function recoveries(gate: string): string[] {
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
export function readJournal(o: GateOptions): Journal | undefined {
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
        `The Rebirth Gate's journal ${escapeForTerminal(e.file)} is damaged: ${escapeForTerminal(e.why)}.`,
        'It cannot be trusted to finish or undo a switch, so nothing was changed. What the host holds now:',
        `  image:        ${currentTag(o)} ${image(currentTag(o))}, ${PREVIOUS_TAG} ${image(PREVIOUS_TAG)}, ${CANDIDATE_TAG} ${image(CANDIDATE_TAG)}`,
        `  generation:   ${installedGeneration(o.bindingSite)?.id ?? '(none)'} installed in ${escapeForTerminal(o.bindingSite)}`,
        `  Gate bodies:  current ${body('current')}, previous ${body('previous')}, candidate ${body('candidate')} (<image>-<generation>)`,
        `To recover: move the journal aside (\`mv ${escapeForTerminal(e.file)} ${escapeForTerminal(e.file)}.damaged\`), then`,
        ...recoveries(gate).map((r) => `  ${r}`),
        'Each sets the image and the generation together again.',
      ].join('\n'),
    );
  }
}

/** The generation the Binding Site shows now: its id and files, or undefined when nothing is bound. */
export function installedGeneration(bindingSite: string): { id: string; files: Map<string, Buffer> } | undefined {
  const paths = pathsFor(bindingSite);
  if (!fs.existsSync(paths.store)) return undefined;
  const link = readLink(paths);
  if (link.kind !== 'generation') return undefined;
  return { id: idOfDir(link.dir) as string, files: readGenerationDir(paths.store, link.dir) };
}

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
