import type * as http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { accessOf, type CacheTokens } from './tokens';
import type { Store } from './turbo-client';

// Nx hashes are decimal or hex digests; anything else (dots, slashes) could name a path in the store.
const RECORD = /^\/v1\/cache\/([A-Za-z0-9_-]{1,128})$/;

// Nx's client compares the 401 content type with exactly `text/plain`: with a charset it reports
// "Misconfigured remote cache endpoint" instead of the message.
function reply(res: http.ServerResponse, status: number, message: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(`${message}\n`);
}

/** Answers a request early; the unread upload is drained so the client sees the status, not a reset. */
function refuse(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  message: string,
  headers?: http.OutgoingHttpHeaders,
): void {
  req.resume();
  reply(res, status, message, headers);
}

/** The largest upload accepted unless configured: turborepo-remote-cache's own default body limit. */
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export interface CacheEvents {
  /** Store failures; the client only sees a 502. */
  onError?: (err: Error) => void;
  /** One call per answered request: an access log, without the token. */
  onResponse?: (entry: { method: string; hash: string | null; status: number }) => void;
}

/**
 * Nx's self-hosted remote cache contract (`GET`/`PUT /v1/cache/{hash}`, bearer token) on top of a
 * store. The access rules live here: a read-only token may read but not write, and a record once
 * written is never replaced, so a later upload cannot swap the outputs other runners restore.
 */
export function nxCacheHandler(
  store: Store,
  tokens: CacheTokens,
  events: CacheEvents = {},
  maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES,
): http.RequestListener {
  // The hashes being uploaded or checked: a hash is claimed before the first await, so of two
  // uploads at once only one can see "absent" and store; the other is told the record exists.
  const claimed = new Set<string>();

  const get = async (hash: string, res: http.ServerResponse) => {
    const artifact = await store.get(hash);
    if (!artifact) return reply(res, 404, 'The record was not found');
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    await pipeline(artifact, res);
  };

  const put = async (hash: string, req: http.IncomingMessage, res: http.ServerResponse) => {
    const length = Number(req.headers['content-length']);
    if (!Number.isSafeInteger(length) || length < 0) return refuse(req, res, 411, 'Content-Length is required');
    if (length > maxUploadBytes) {
      return refuse(
        req,
        res,
        413,
        `The upload is ${length} bytes; this cache accepts at most ${maxUploadBytes} bytes per record (--max-upload-mb)`,
      );
    }
    if (claimed.has(hash)) return refuse(req, res, 409, 'Cannot override an existing record');
    claimed.add(hash);
    try {
      if (await store.has(hash)) return refuse(req, res, 409, 'Cannot override an existing record');
      await store.put(hash, req, length);
    } finally {
      claimed.delete(hash);
    }
    reply(res, 200, 'Stored');
  };

  return (req, res) => {
    const match = RECORD.exec(new URL(req.url ?? '/', 'http://cache').pathname);
    const hash = match?.[1] ?? null;
    res.once('finish', () => events.onResponse?.({ method: req.method ?? '', hash, status: res.statusCode }));
    if (!hash) return refuse(req, res, 404, 'Not found');
    const access = accessOf(req.headers.authorization, tokens);
    if (access === 'none') return refuse(req, res, 401, 'Missing or invalid access token', { 'www-authenticate': 'Bearer' });
    let work: Promise<void>;
    if (req.method === 'GET') work = get(hash, res);
    else if (req.method === 'PUT' && access === 'read-only') return refuse(req, res, 403, 'This access token may only read');
    else if (req.method === 'PUT') work = put(hash, req, res);
    else return refuse(req, res, 405, 'Only GET and PUT are supported', { allow: 'GET, PUT' });
    work.catch((err: Error) => {
      events.onError?.(err);
      if (!res.headersSent) reply(res, 502, 'The cache store failed');
      else res.destroy(err);
    });
  };
}
