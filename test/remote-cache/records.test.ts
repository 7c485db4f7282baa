import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRemoteCache, type RemoteCache } from '../../tools/src/remote-cache';
import { tempDir } from '../support/temp';

// The cache in this process: these requests are fetches, never a blocking nx run.
const tokens = { readWrite: 'rw-token-for-records-test-0001', readOnly: 'ro-token-for-records-test-0002' };
const LIMIT = 64 * 1024;
let cache: RemoteCache;
let store: string;

const put = (hash: string, body: Buffer | string) =>
  fetch(`${cache.url}/v1/cache/${hash}`, { method: 'PUT', body, headers: { authorization: `Bearer ${tokens.readWrite}` } }).then(
    async (r) => ({ status: r.status, text: await r.text() }),
  );
const get = (hash: string) =>
  fetch(`${cache.url}/v1/cache/${hash}`, { headers: { authorization: `Bearer ${tokens.readOnly}` } }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
  }));

beforeAll(async () => {
  store = tempDir('lychd-cache-records-');
  cache = await startRemoteCache({ storeDir: store, tokens, maxUploadBytes: LIMIT });
}, 60_000);
afterAll(async () => {
  await cache?.stop();
  fs.rmSync(store, { recursive: true, force: true });
});

describe('the remote cache records', () => {
  it('one of 20 simultaneous uploads of a hash is stored; the other 19 get 409 and replace nothing', async () => {
    const bodies = [...Array(20).keys()].map((i) => `upload number ${i} `.repeat(200));
    const answers = await Promise.all(bodies.map((b) => put('77777', b)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const stored = await get('77777');
    expect(stored.text).toBe(bodies[statuses.indexOf(200)]);
    expect((await put('77777', 'later')).status).toBe(409);
    expect((await get('77777')).text).toBe(stored.text);
  });

  it('an upload over the configured limit gets 413 naming the limit; one at the limit is stored', async () => {
    const over = await put('88888', Buffer.alloc(LIMIT + 1, 1));
    expect(over.status).toBe(413);
    expect(over.text).toContain(`${LIMIT + 1} bytes`);
    expect(over.text).toContain(`at most ${LIMIT} bytes`);
    expect((await get('88888')).status).toBe(404);
    expect((await put('88888', Buffer.alloc(LIMIT, 2))).status).toBe(200);
    expect((await get('88888')).text.length).toBe(LIMIT);
  });
});
