import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGE_SUMMARY_FILE } from '../artifacts/image-summary';
import { z } from 'zod';
import { canonicalJson, sha256 } from '../shared/digest';
import { errnoCode, fsyncDir, replaceFileAtomic } from '../shared/fsutil';

/*
 * The journal of a switch: present only while `--confirm` or `--rollback` runs, it is what an
 * interrupted switch is undone or finished from. It drives podman tags and the Binding Site, so
 * it is trusted only when it is whole (a checksum over its body), well formed (ids, services) and
 * names only bodies of the Gate's own store.
 */

const IMAGE_ID = z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: 'must be an image id: "sha256:" and 64 hex digits' });
const GENERATION_ID = z.string().regex(/^[0-9a-f]{16}$/, { error: 'must be a generation id: 16 hex digits' });
// A body's folder name in <gate>/bodies: the short image id and the generation id.
const BODY = z.string().regex(/^[0-9a-f]{12}-[0-9a-f]{16}$/, { error: 'must name a body of the store: <12 hex>-<16 hex>' });
const SERVICE = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9@._-]*\.service$/, { error: 'must be a systemd service name' });

const journalSchema = z.strictObject({
  action: z.enum(['confirm', 'rollback']),
  fromImage: IMAGE_ID.optional(),
  fromGeneration: GENERATION_ID.optional(),
  fromCurrent: BODY.optional(),
  fromPrevious: BODY.optional(),
  to: BODY,
  toImage: IMAGE_ID,
  toGeneration: GENERATION_ID,
  restart: z.array(SERVICE).min(1),
});

/** What an interrupted switch left: enough to say where the host is and to undo it. */
export type Journal = z.infer<typeof journalSchema>;

const FILE = 'journal.json';

export const journalPath = (gate: string): string => path.join(gate, FILE);

/** A journal that cannot be trusted: the Gate stops and says what the host holds. */
export class DamagedJournal extends Error {
  override readonly name = 'DamagedJournal';
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(`${file} is damaged: ${why}`);
  }
}

/** The journal of an interrupted switch, undefined when none ran; a DamagedJournal when it cannot be trusted. */
export function readJournalFile(gate: string): Journal | undefined {
  const file = journalPath(gate);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw new DamagedJournal(file, `it cannot be read (${errnoCode(e) ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DamagedJournal(file, 'it is not valid JSON (cut short?)');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new DamagedJournal(file, 'it is not a journal');
  const { sha256: sum, ...body } = raw as Record<string, unknown>;
  if (sum !== sha256(canonicalJson(body))) throw new DamagedJournal(file, 'its checksum does not match its content');
  const parsed = journalSchema.safeParse(body);
  if (!parsed.success)
    throw new DamagedJournal(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(journal)'} ${i.message}`).join('; '));
  const j = parsed.data;
  for (const name of [j.to, j.fromCurrent, j.fromPrevious])
    if (name !== undefined && !fs.existsSync(path.join(gate, 'bodies', name, IMAGE_SUMMARY_FILE)))
      throw new DamagedJournal(file, `it names the body ${name}, which the store does not hold`);
  return j;
}

export function writeJournal(gate: string, journal: Journal): void {
  const body = journalSchema.parse(journal);
  const text = `${JSON.stringify({ ...body, sha256: sha256(canonicalJson(body)) }, null, 2)}\n`;
  replaceFileAtomic(journalPath(gate), text, `.journal-${process.pid}`);
}

export function removeJournal(gate: string): void {
  fs.rmSync(journalPath(gate), { force: true });
  fsyncDir(gate);
}
