import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StageLayers } from '../../tools/src/image/stage-layers';
import { tempDir } from '../support/temp';

const ID = (n: number) => String(n).repeat(64);

/** A layout holding one image whose layers are these texts (the last one's file cut short when `short`). */
function layout(dir: string, layers: string[], short = false): string[] {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (text: string) => {
    const hex = crypto.createHash('sha256').update(text).digest('hex');
    fs.writeFileSync(path.join(blobs, hex), text);
    return { digest: `sha256:${hex}`, size: Buffer.byteLength(text) };
  };
  const descriptors = layers.map(put);
  if (short) fs.writeFileSync(path.join(blobs, descriptors.at(-1)!.digest.slice(7)), 'cut');
  const manifest = put(JSON.stringify({ schemaVersion: 2, config: put('{}'), layers: descriptors }));
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [manifest] }));
  return descriptors.map((d) => d.digest.slice(7));
}

describe("the stages' layers, written while the build goes on", () => {
  it('copies each stage a later stage starts FROM, once, one copy at a time, in the order buildah names them', async () => {
    const dir = path.join(tempDir('lychd-stages-'), 'stages');
    const calls: string[] = [];
    let running = 0;
    let most = 0;
    const stages = new StageLayers(
      dir,
      async (id, dest) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        calls.push(`${id} ${dest}`);
        running--;
        if (id === ID(2)) throw new Error('the store is busy');
      },
      path.join(dir, '..', 'no-previous-layout'),
    );
    for (const line of [
      '[1/5] STEP 1/2: FROM scratch AS base',
      '[1/5] STEP 2/2: ADD base.tar /',
      `[2/5] STEP 1/2: FROM ${ID(1)} AS system`,
      `[3/5] STEP 1/7: FROM ${ID(2)} AS builder`,
      `[4/5] STEP 1/7: FROM ${ID(1)} AS node`,
      `[5/5] STEP 1/19: FROM ${ID(2)} AS runner`,
      `STEP 1/3: FROM ${ID(3)}`,
      `[5/5] STEP 8/19: COPY --from=builder /app/.venv /app/.venv`,
      `RUN echo 'STEP 1/2: FROM ${ID(4)}'`,
    ])
      stages.onLine(line);
    // A copy that fails is only a lost head start.
    await expect(stages.settled()).resolves.toBeUndefined();
    expect(calls).toEqual([ID(1), ID(2), ID(3)].map((id) => `${id} oci:${dir}:${id}`));
    expect(most).toBe(1);
    stages.remove();
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("starts from the previous image's layers, linked whole: a layer cut short is left for skopeo to write", () => {
    const root = tempDir('lychd-stages-');
    const [kept, cut] = layout(path.join(root, 'previous'), ['the base layer', 'the system layer'], true);
    const dir = path.join(root, 'stages');
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stale'), '');
    new StageLayers(dir, async () => {}, path.join(root, 'previous'));
    expect(fs.readdirSync(dir)).toEqual(['blobs']);
    expect(fs.readdirSync(path.join(dir, 'blobs', 'sha256'))).toEqual([kept]);
    expect(fs.statSync(path.join(dir, 'blobs', 'sha256', kept!)).ino).toBe(
      fs.statSync(path.join(root, 'previous', 'blobs', 'sha256', kept!)).ino,
    );
    expect(cut).toBeDefined();
  });
});
