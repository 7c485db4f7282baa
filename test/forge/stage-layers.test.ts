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
  const lines = [
    '[1/5] STEP 1/2: FROM scratch AS base',
    '[1/5] STEP 2/2: ADD base.tar /',
    `[2/5] STEP 1/2: FROM ${ID(1)} AS system`,
    `[3/5] STEP 1/7: FROM ${ID(2)} AS builder`,
    `[4/5] STEP 1/7: FROM ${ID(1)} AS node`,
    `[5/5] STEP 1/19: FROM ${ID(2)} AS runner`,
    `STEP 1/3: FROM ${ID(3)}`,
    `[5/5] STEP 8/19: COPY --from=builder /app/.venv /app/.venv`,
    `RUN echo 'STEP 1/2: FROM ${ID(4)}'`,
  ];

  it('copies each stage a later stage starts FROM, once, one copy at a time, in the order buildah names them', async () => {
    const work = tempDir('lychd-stages-');
    const calls: string[] = [];
    let running = 0;
    let most = 0;
    const stages = new StageLayers(
      work,
      async (id, dest) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        calls.push(`${id} ${dest}`);
        running--;
        // A copy that fails or throws is only a lost head start.
        if (id === ID(2)) throw new Error('the store is busy');
        return id !== ID(3);
      },
      path.join(work, 'no-previous-layout'),
    );
    expect(path.dirname(stages.dir)).toBe(work);
    for (const line of lines) stages.onLine(line);
    await expect(stages.settled()).resolves.toBeUndefined();
    expect(calls).toEqual([ID(1), ID(2), ID(3)].map((id) => `${id} oci:${stages.dir}:${id}`));
    expect(most).toBe(1);
    expect(stages.copied).toBe(1);
    await stages.close();
    expect(fs.readdirSync(work)).toEqual([]);
  });

  it('once the build is over, starts no further copy: it waits for the one under way and removes its layout', async () => {
    const work = tempDir('lychd-stages-');
    const calls: string[] = [];
    const stages = new StageLayers(
      work,
      async (id) => {
        await new Promise((r) => setTimeout(r, 20));
        calls.push(id);
        return true;
      },
      path.join(work, 'no-previous-layout'),
    );
    for (const line of lines) stages.onLine(line);
    await new Promise((r) => setTimeout(r, 5)); // the first copy is under way
    await stages.close();
    expect(calls).toEqual([ID(1)]);
    expect(fs.readdirSync(work)).toEqual([]);
  });

  it("starts from the previous image's layers, linked whole, in a folder of its own: a killed build's is removed", () => {
    const root = tempDir('lychd-stages-');
    const [kept, cut] = layout(path.join(root, 'previous'), ['the base layer', 'the system layer'], true);
    const work = path.join(root, 'work');
    fs.mkdirSync(path.join(work, 'stages-killed', 'blobs'), { recursive: true });
    fs.mkdirSync(path.join(work, 'context'));
    const stages = new StageLayers(work, async () => true, path.join(root, 'previous'));
    expect(fs.readdirSync(work).sort()).toEqual(['context', path.basename(stages.dir)].sort());
    // The layer cut short is left for skopeo to write.
    expect(fs.readdirSync(path.join(stages.dir, 'blobs', 'sha256'))).toEqual([kept]);
    expect(cut).toBeDefined();
    const inode = (dir: string) => fs.statSync(path.join(dir, 'blobs', 'sha256', kept!)).ino;
    expect(inode(stages.dir)).toBe(inode(path.join(root, 'previous')));
  });
});
