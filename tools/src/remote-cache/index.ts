import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_UPLOAD_BYTES, nxCacheHandler, type CacheEvents } from './adapter';
import { startBackend } from './backend';
import { failure } from '../diagnostics';
import { checkTokens, type CacheTokens } from './tokens';
import { turboStore } from './turbo-client';

export { DEFAULT_MAX_UPLOAD_BYTES, type CacheEvents } from './adapter';
export type { CacheTokens } from './tokens';

export interface RemoteCacheOptions extends CacheEvents {
  /** Port for Nx clients; 0 or absent picks a free one. */
  port?: number;
  /** Address to listen on; loopback unless the cache must be reached from other machines. */
  host?: string;
  /** Where turborepo-remote-cache keeps the records; it survives restarts. */
  storeDir: string;
  tokens: CacheTokens;
  /** The largest record accepted (413 above it); the store is configured to take it. */
  maxUploadBytes?: number;
}

export interface RemoteCache {
  /** The value for NX_SELF_HOSTED_REMOTE_CACHE_SERVER. */
  url: string;
  /**
   * Settles when the store behind the front died: the front has closed by then, and the caller
   * should exit non-zero so a service manager restarts the whole cache (a front left answering
   * 502 forever would look alive to every health check).
   */
  died: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Serves Nx's self-hosted remote cache: turborepo-remote-cache stores the records on a private
 * loopback port, and a small HTTP front speaks Nx's contract and enforces the two tokens.
 */
export async function startRemoteCache(opts: RemoteCacheOptions): Promise<RemoteCache> {
  checkTokens(opts.tokens);
  const maxUploadBytes = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  if (!Number.isSafeInteger(maxUploadBytes) || maxUploadBytes < 1)
    throw failure('LYCHD805', `remote cache: the upload limit must be a positive whole number of bytes, not ${maxUploadBytes}`);
  const backend = await startBackend({ storeDir: opts.storeDir, bodyLimit: maxUploadBytes });
  const events = { onError: opts.onError, onResponse: opts.onResponse };
  const server = http.createServer(nxCacheHandler(turboStore(backend), opts.tokens, events, maxUploadBytes));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
    });
  } catch (err) {
    await backend.stop();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const closeFront = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets from Nx clients would otherwise hold close() open.
    server.closeAllConnections();
    await closed;
  };
  const died = backend.died.then(async (why) => {
    await closeFront();
    return why;
  });
  return {
    url: `http://${host}:${address.port}`,
    died,
    stop: async () => {
      await closeFront();
      await backend.stop();
    },
  };
}
