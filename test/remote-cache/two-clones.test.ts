import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';
import { digests, filesMentioning, readOutputs, removeOutputs } from './outputs';
import { launchCacheScript, type CacheRequest, type RunningCache } from './server';
import { cacheSummary, cacheableTasks, taskStatuses, type CacheableTask } from './tasks';
import { tempDir } from '../support/temp';

const tokens = { readWrite: `rw-${randomBytes(12).toString('hex')}`, readOnly: `ro-${randomBytes(12).toString('hex')}` };
let cache: RunningCache;
let storeDir: string;
let first: WorkspaceCopy;
let second: WorkspaceCopy;
let reader: WorkspaceCopy;
let tasks: CacheableTask[];
let targets: string[];
let stored: CacheRequest[];
/** What the first clone built, per output file. */
let built: Record<string, string>;

/** A clone with its own local cache folder, talking to the shared remote cache with `token`. */
function clone(token: string): WorkspaceCopy {
  return copyWorkspace({
    cacheDir: tempDir('lychd-nx-cache-'),
    env: { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token, NX_SKIP_LOG_GROUPING: 'true' },
  });
}

const allOutputs = () => tasks.flatMap((t) => t.outputs);
/** Whether a file is the output path `output` or lies under it. */
const under = (file: string, output: string) => file === output || file.startsWith(`${output}/`);
/**
 * The image's own cold build in a second clean clone is the image tier's check
 * (test/forge/image.test.ts: two clean clones build the same ID, diff_ids and summary); here the
 * image goes through the remote cache like every other task, and the cold rebuild below leaves it out.
 */
const IMAGE_TASK = 'forge:image';
/**
 * What a cold build starts without: every output that is not committed. The committed ones (the
 * Synthesis Manifest and its locks, forge/federation.json, forge/Containerfile, flake.nix) are
 * records the later stages read as written, as a reviewer sees them; their tasks still run and
 * rewrite them, and the comparisons below cover them too.
 */
const rebuiltOutputs = (ws: WorkspaceCopy = first) => {
  const tracked = new Set(ws.git(['ls-files']).split('\n').filter(Boolean));
  return allOutputs().filter((o) => ![...tracked].some((f) => under(f, o)));
};

/**
 * Another clone with exactly the first clone's files. The clones copy a working tree that other
 * work may be changing; a clone that differs would miss the cache for reasons of its own.
 */
function twinOf(ws: WorkspaceCopy, token: string): WorkspaceCopy {
  const tree = (w: WorkspaceCopy) => w.git(['rev-parse', 'HEAD^{tree}']).trim();
  for (let attempt = 1; attempt <= 3; attempt++) {
    const twin = clone(token);
    if (tree(twin) === tree(ws)) return twin;
  }
  throw new Error('the workspace kept changing while it was copied: could not make two identical clones');
}

/** Runs the given targets; a failing task fails the test with nx's whole output. */
async function build(ws: WorkspaceCopy, run: string[] = targets, extra: string[] = [], env?: NodeJS.ProcessEnv) {
  const r = await ws.nx(['run-many', '-t', ...run, ...extra], env);
  if (r.status !== 0) throw new Error(`nx run-many -t ${run.join(' ')} ${extra.join(' ')} failed in ${ws.root}:\n${r.stdout}\n${r.stderr}`);
  return { ...r, statuses: taskStatuses(r.stdout), summary: cacheSummary(r.stdout) };
}

/** Tasks nx took from a cache, by its own task lines. */
const fromCache = (statuses: Map<string, string>, status: string) => tasks.filter((t) => statuses.get(t.id) === status).map((t) => t.id);
const noneCached = (statuses: Map<string, string>) =>
  tasks.filter((t) => (statuses.get(t.id) ?? 'ran') !== 'ran').map((t) => `${t.id}: ${statuses.get(t.id)}`);

/** The cache's answers while `run` ran. */
async function during<T>(run: () => Promise<T>): Promise<{ result: T; seen: CacheRequest[] }> {
  const start = cache.requests().length;
  const result = await run();
  return { result, seen: cache.requests().slice(start) };
}

const records = () => fs.readdirSync(path.join(storeDir, 'nx')).length;
const request = (method: string, hash: string, token: string | null, body?: string) =>
  fetch(`${cache.url}/v1/cache/${hash}`, { method, body, headers: token === null ? {} : { authorization: `Bearer ${token}` } }).then(
    async (r) => ({ status: r.status, body: await r.text() }),
  );

/** An upload cut short: Content-Length promises more bytes than are sent before the socket closes. */
function truncatedPut(hash: string, token: string): Promise<void> {
  const { hostname, port } = new URL(cache.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `PUT /v1/cache/${hash} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n0123456789`,
      );
      setTimeout(() => socket.end(), 200);
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer to a truncated upload')));
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
}

beforeAll(async () => {
  storeDir = tempDir('lychd-remote-store-');
  // forge:image's output, the image's OCI layout, is one record of about 700 MB.
  cache = await launchCacheScript({ storeDir, tokens, logFile: path.join(tempDir('lychd-remote-log-'), 'cache.log'), maxUploadMb: 1024 });
  expect(new URL(cache.url).hostname).toBe('127.0.0.1');

  first = clone(tokens.readWrite);
  second = twinOf(first, tokens.readWrite);
  reader = twinOf(first, tokens.readOnly);
  tasks = await cacheableTasks(first);
  targets = [...new Set(tasks.map((t) => t.target))].sort();
  removeOutputs(first.root, rebuiltOutputs());
  const { result, seen } = await during(() => build(first));
  // Every cacheable task ran for real (nx uploads only what it ran) and nothing came from a cache.
  expect(noneCached(result.statuses), result.stdout).toEqual([]);
  expect(result.summary, result.stdout).toEqual({ hits: 0, tasks: tasks.length });
  stored = seen.filter((r) => r.method === 'PUT' && r.status === 200);
  expect(stored.length, `uploads from the first clone:\n${result.stdout}`).toBe(tasks.length);
  built = digests(readOutputs(first.root, allOutputs()));
  expect(Object.keys(built).length, 'output files built by the first clone').toBeGreaterThan(0);
}, 900_000);

afterAll(async () => {
  await cache?.stop();
});

describe('two clones sharing the self-hosted remote cache', () => {
  it('discovers the cacheable tasks from nx, the Codex targets among them', async () => {
    expect(tasks.map((t) => t.id)).toEqual(expect.arrayContaining(['codex:validate', 'codex:context']));
    console.log(`cacheable tasks (${tasks.length}): ${tasks.map((t) => t.id).join(', ')}`);
  });

  it('the second clone gets every cacheable task from the remote cache, byte-identical to a cold build', async () => {
    removeOutputs(second.root, rebuiltOutputs(second));
    const { result, seen } = await during(() => build(second));

    const notRemote = tasks
      .filter((t) => result.statuses.get(t.id) !== 'remote cache')
      .map((t) => `${t.id}: ${result.statuses.get(t.id) ?? 'no cache line'}`);
    expect(notRemote, result.stdout).toEqual([]);
    expect(result.summary, result.stdout).toEqual({ hits: tasks.length, tasks: tasks.length });
    expect(
      seen
        .filter((r) => r.method === 'GET' && r.status === 200)
        .map((r) => r.hash)
        .sort(),
    ).toEqual(stored.map((r) => r.hash).sort());
    expect(seen.filter((r) => r.method === 'PUT')).toEqual([]);
    console.log(`remote hits in the second clone: ${tasks.length}/${tasks.length}`);

    // The outputs were removed before the run: every file here was restored from the remote cache.
    const restored = readOutputs(second.root, allOutputs());
    expect(digests(restored)).toEqual(built);
    expect(filesMentioning(restored, [first.root, second.root, fs.realpathSync(first.root), fs.realpathSync(second.root)])).toEqual([]);

    // The same clone, outputs removed, every task but the image's run again with the cache off.
    const image = tasks.find((t) => t.id === IMAGE_TASK);
    expect(image, `${IMAGE_TASK} among the cacheable tasks`).toBeDefined();
    const coldTasks = tasks.filter((t) => t !== image);
    removeOutputs(second.root, rebuiltOutputs(second));
    const cold = await build(second, [...new Set(coldTasks.map((t) => t.target))], ['--skip-nx-cache'], {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: '',
    });
    expect(cold.statuses.has(IMAGE_TASK), cold.stdout).toBe(false);
    expect(noneCached(cold.statuses), cold.stdout).toEqual([]);
    // With --skip-nx-cache nx prints no cache summary; if it ever does, it must count no hit.
    expect(cold.summary?.hits ?? 0, cold.stdout).toBe(0);
    const rebuilt = readOutputs(
      second.root,
      coldTasks.flatMap((t) => t.outputs),
    );
    const restoredCold = new Map([...restored].filter(([file]) => !image!.outputs.some((o) => under(file, o))));
    expect(restoredCold.size, 'restored files of the image').toBeLessThan(restored.size);
    // A JSON output that differs is shown whole: its digest alone does not say which field moved.
    const differing = [...restoredCold]
      .filter(([file, bytes]) => file.endsWith('.json') && rebuilt.has(file) && !rebuilt.get(file)!.equals(bytes))
      .map(([file, bytes]) => `${file}\nrestored: ${bytes.toString('utf8')}\nrebuilt:  ${rebuilt.get(file)!.toString('utf8')}`);
    expect(digests(rebuilt), differing.join('\n\n')).toEqual(digests(restoredCold));
    console.log(`output files compared with a cold build: ${restoredCold.size} (and ${restored.size - restoredCold.size} of the image's)`);
  }, 900_000);

  it('a read-only token reads hits, its uploads are refused with 403, and nx still succeeds', async () => {
    // A comment changes one rune file's hash and so the tasks that read it, not the rest.
    const rune = tasks.find((t) => t.id.startsWith('runes-') && t.target === 'scribe');
    expect(rune, 'a rune folder to edit').toBeDefined();
    const folder = path.join(reader.root, rune!.projectRoot);
    const file = fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.toml'))
      .sort()[0]!;
    fs.appendFileSync(path.join(folder, file), '\n# edited on a pull request\n');
    const before = records();
    const { result, seen } = await during(() => build(reader));

    const hits = fromCache(result.statuses, 'remote cache');
    const ran = tasks.filter((t) => !hits.includes(t.id)).map((t) => t.id);
    expect(
      noneCached(result.statuses).filter((line) => !line.endsWith('remote cache')),
      result.stdout,
    ).toEqual([]);
    expect(result.summary, result.stdout).toEqual({ hits: hits.length, tasks: tasks.length });
    expect(hits.length).toBeGreaterThan(0);
    expect(ran).toContain(rune!.id);
    const puts = seen.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.status)).toEqual(ran.map(() => 403));
    expect(records()).toBe(before);
    console.log(`read-only clone: ${hits.length} remote hits, ${ran.length} tasks run, ${puts.length} uploads refused`);
  }, 900_000);

  it('a wrong or missing token is refused with 401; an existing record is never replaced (409)', async () => {
    // Nx treats a 401 as a misconfiguration and stops the run, naming the server's message.
    const stranger = clone('not-the-token-0000');
    const { result: r, seen } = await during(() => stranger.nx(['run-many', '-t', 'validate', 'context']));
    expect(r.status, r.stdout).not.toBe(0);
    expect(`${r.stdout}\n${r.stderr}`).toContain('Unauthorized: Missing or invalid access token');
    expect([...taskStatuses(r.stdout).values()]).not.toContain('remote cache');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((e) => e.status)).toEqual(seen.map(() => 401));

    const known = stored[0]!.hash;
    expect((await request('GET', known, null)).status).toBe(401);
    expect((await request('PUT', known, null, 'x')).status).toBe(401);
    expect((await request('GET', known, 'not-the-token-0000')).status).toBe(401);
    expect((await request('PUT', known, tokens.readOnly, 'x')).status).toBe(403);
    const original = await request('GET', known, tokens.readOnly);
    expect(original.status).toBe(200);
    expect((await request('PUT', known, tokens.readWrite, 'x')).status).toBe(409);
    expect(await request('GET', known, tokens.readOnly)).toEqual(original);
    expect((await request('GET', '0000', tokens.readOnly)).status).toBe(404);

    // A partial artifact would be served forever, since a later upload of the hash gets 409.
    await truncatedPut('4242', tokens.readWrite);
    expect((await request('GET', '4242', tokens.readOnly)).status).toBe(404);
    expect((await request('PUT', '4242', tokens.readWrite, 'whole')).status).toBe(200);
  }, 900_000);
});
