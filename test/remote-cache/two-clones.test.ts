import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace';
import { digests, filesMentioning, readOutputs, removeOutputs } from './outputs';
import { launchCacheScript, type CacheRequest, type RunningCache } from './server';
import { cacheableTasks, taskStatuses, type CacheableTask } from './tasks';

const tokens = { readWrite: `rw-${randomBytes(12).toString('hex')}`, readOnly: `ro-${randomBytes(12).toString('hex')}` };
const temp: string[] = [];
let cache: RunningCache;
let storeDir: string;
let first: WorkspaceCopy;
let tasks: CacheableTask[];
let targets: string[];
let stored: CacheRequest[];
/** What the first clone built, per output file. */
let built: Record<string, string>;

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temp.push(dir);
  return dir;
}

/** A clone with its own local cache folder, talking to the shared remote cache with `token`. */
function clone(token: string): WorkspaceCopy {
  const ws = copyWorkspace({
    cacheDir: tempDir('lychd-nx-cache-'),
    env: { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token, NX_SKIP_LOG_GROUPING: 'true' },
  });
  temp.push(ws.root);
  return ws;
}

const allOutputs = () => tasks.flatMap((t) => t.outputs);

/** Runs the given targets; a failing task fails the test with nx's whole output. */
function build(ws: WorkspaceCopy, run: string[] = targets, extra: string[] = [], env?: NodeJS.ProcessEnv) {
  const r = ws.nx(['run-many', '-t', ...run, ...extra], env);
  if (r.status !== 0) throw new Error(`nx run-many -t ${run.join(' ')} ${extra.join(' ')} failed in ${ws.root}:\n${r.stdout}\n${r.stderr}`);
  return { ...r, statuses: taskStatuses(r.stdout) };
}

/** The cache's answers while `run` ran. */
function during<T>(run: () => T): { result: T; seen: CacheRequest[] } {
  const start = cache.requests().length;
  const result = run();
  return { result, seen: cache.requests().slice(start) };
}

const records = () => fs.readdirSync(path.join(storeDir, 'nx')).length;
const request = (method: string, hash: string, token: string | null, body?: string) =>
  fetch(`${cache.url}/v1/cache/${hash}`, { method, body, headers: token === null ? {} : { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, body: await r.text() }));

beforeAll(async () => {
  storeDir = tempDir('lychd-remote-store-');
  cache = await launchCacheScript({ storeDir, tokens, logFile: path.join(tempDir('lychd-remote-log-'), 'cache.log') });
  expect(new URL(cache.url).hostname).toBe('127.0.0.1');

  first = clone(tokens.readWrite);
  tasks = cacheableTasks(first);
  targets = [...new Set(tasks.map((t) => t.target))].sort();
  removeOutputs(first.root, allOutputs());
  const { result, seen } = during(() => build(first));
  for (const t of tasks) expect(result.statuses.get(t.id), `${t.id} in the first clone:\n${result.stdout}`).toBe('ran');
  stored = seen.filter((r) => r.method === 'PUT' && r.status === 200);
  expect(stored.length, 'uploads from the first clone').toBe(tasks.length);
  built = digests(readOutputs(first.root, allOutputs()));
  expect(Object.keys(built).length, 'output files built by the first clone').toBeGreaterThan(0);
}, 900_000);

afterAll(async () => {
  await cache?.stop();
  for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
});

describe('two clones sharing the self-hosted remote cache', () => {
  it('discovers the cacheable tasks from nx, the Codex targets among them', () => {
    expect(tasks.map((t) => t.id)).toEqual(expect.arrayContaining(['codex:validate', 'codex:context']));
    console.log(`cacheable tasks (${tasks.length}): ${tasks.map((t) => t.id).join(', ')}`);
  });

  it('the second clone gets every cacheable task from the remote cache, byte-identical to a cold build', () => {
    const second = clone(tokens.readWrite);
    removeOutputs(second.root, allOutputs());
    const { result, seen } = during(() => build(second));

    const notRemote = tasks.filter((t) => result.statuses.get(t.id) !== 'remote cache').map((t) => `${t.id}: ${result.statuses.get(t.id) ?? 'not run'}`);
    expect(notRemote, result.stdout).toEqual([]);
    expect(seen.filter((r) => r.method === 'GET' && r.status === 200).length).toBe(tasks.length);
    expect(seen.filter((r) => r.method === 'PUT')).toEqual([]);
    console.log(`remote hits in the second clone: ${tasks.length}/${tasks.length}`);

    // The outputs were removed before the run: every file here was restored from the remote cache.
    const restored = readOutputs(second.root, allOutputs());
    expect(digests(restored)).toEqual(built);
    expect(filesMentioning(restored, [first.root, second.root, fs.realpathSync(first.root), fs.realpathSync(second.root)])).toEqual([]);

    // The same clone, outputs removed, every task run again with the cache off.
    removeOutputs(second.root, allOutputs());
    const cold = build(second, targets, ['--skip-nx-cache'], { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: '' });
    for (const t of tasks) expect(cold.statuses.get(t.id), `${t.id} in the cold build`).toBe('ran');
    expect(digests(readOutputs(second.root, allOutputs()))).toEqual(digests(restored));
    console.log(`output files compared with a cold build: ${restored.size}`);
  }, 900_000);

  it('a read-only token reads hits, its uploads are refused with 403, and nx still succeeds', () => {
    const reader = clone(tokens.readOnly);
    // A comment changes one rune file's hash and so the tasks that read it, not the rest.
    const rune = tasks.find((t) => t.projectRoot.endsWith('.toml'));
    expect(rune, 'a rune project to edit').toBeDefined();
    fs.appendFileSync(path.join(reader.root, rune!.projectRoot), '\n# edited on a pull request\n');
    const before = records();
    const { result, seen } = during(() => build(reader));

    const hits = tasks.filter((t) => result.statuses.get(t.id) === 'remote cache');
    const ran = tasks.filter((t) => result.statuses.get(t.id) === 'ran');
    expect(hits.length + ran.length, result.stdout).toBe(tasks.length);
    expect(hits.length).toBeGreaterThan(0);
    expect(ran.map((t) => t.id)).toContain(rune!.id);
    const puts = seen.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.status)).toEqual(ran.map(() => 403));
    expect(records()).toBe(before);
    console.log(`read-only clone: ${hits.length} remote hits, ${ran.length} tasks run, ${puts.length} uploads refused`);
  }, 900_000);

  it('a wrong or missing token is refused with 401; an existing record is never replaced (409)', async () => {
    // Nx treats a 401 as a misconfiguration and stops the run, naming the server's message.
    const stranger = clone('not-the-token-0000');
    const { result: r, seen } = during(() => stranger.nx(['run-many', '-t', 'validate', 'context']));
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
  }, 900_000);
});
