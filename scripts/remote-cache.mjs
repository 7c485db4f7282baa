#!/usr/bin/env node
// Serves the Nx self-hosted remote cache for CI runners; see docs/ci.md.
// Tokens come from the environment, never from arguments, so they do not show in `ps`.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
require('@swc-node/register');
const { startRemoteCache } = require('../tools/src/remote-cache/index.ts');

const usage = `usage: node scripts/remote-cache.mjs --store <dir> [--port <n>] [--host <address>] [--max-upload-mb <n>]

  --store  folder for the cache records (kept across restarts)
  --port   port for Nx clients (default 3030; 0 picks a free one)
  --host   address to listen on (default 127.0.0.1; use the runner network's address to share it)
  --max-upload-mb  the largest record accepted, in MiB (default 100); a larger upload gets 413

environment:
  LYCHD_CACHE_READ_WRITE_TOKEN  token for trusted jobs (main): may read and write
  LYCHD_CACHE_READ_ONLY_TOKEN   token for untrusted jobs (pull requests from forks): may only read`;

const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    port: { type: 'string', default: '3030' },
    host: { type: 'string', default: '127.0.0.1' },
    'max-upload-mb': { type: 'string', default: '100' },
    help: { type: 'boolean', default: false },
  },
});
const readWrite = process.env.LYCHD_CACHE_READ_WRITE_TOKEN;
const readOnly = process.env.LYCHD_CACHE_READ_ONLY_TOKEN;
if (
  values.help ||
  !values.store ||
  !readWrite ||
  !readOnly ||
  !/^\d+$/.test(values.port) ||
  !/^[1-9]\d{0,5}$/.test(values['max-upload-mb'])
) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const cache = await startRemoteCache({
  storeDir: values.store,
  port: Number(values.port),
  host: values.host,
  tokens: { readWrite, readOnly },
  maxUploadBytes: Number(values['max-upload-mb']) * 1024 * 1024,
  onError: (err) => console.error(`remote cache: ${err.message}`),
  onResponse: ({ method, hash, status }) => console.log(`${method} ${hash ?? '-'} ${status}`),
});
console.log(`Nx remote cache listening: NX_SELF_HOSTED_REMOTE_CACHE_SERVER=${cache.url}`);
cache.died.then((why) => {
  console.error(`remote cache: ${why}\nremote cache: stopping, so the service manager can restart it`);
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await cache.stop();
    process.exit(0);
  });
}
