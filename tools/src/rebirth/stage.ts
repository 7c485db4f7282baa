// The Gate's first step: load a built image as the candidate and store its body; nothing that runs changes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGE_SUMMARY_FILE } from '../artifacts/image-summary';
import { sha256 } from '../shared/digest';
import { CANDIDATE_TAG, loadLayout, tag } from './host';
import { readBody, setPointer, writeBody, type Body } from './store';
import { readImageSummary } from './summary';
import { gateOf, GateError, readJournal, withGateLock, type GateOptions } from './gate';

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
