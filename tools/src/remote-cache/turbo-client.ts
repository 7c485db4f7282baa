import * as http from 'node:http';

/** The turborepo-remote-cache artifact API (`/v8/artifacts/:id?slug=<team>`), as the adapter uses it. */
export interface Store {
  has(hash: string): Promise<boolean>;
  /** The artifact as a stream, or null when there is none. */
  get(hash: string): Promise<http.IncomingMessage | null>;
  /** Streams `body` (exactly `length` bytes) into the store. */
  put(hash: string, body: NodeJS.ReadableStream, length: number): Promise<void>;
}

// Every Nx record lives under one team name; turborepo-remote-cache keeps teams in separate folders.
const TEAM = 'nx';
const REQUEST_TIMEOUT_MS = 60_000;

export function turboStore(backend: { url: string; token: string }): Store {
  const request = (method: string, hash: string, headers: http.OutgoingHttpHeaders = {}) =>
    http.request(new URL(`/v8/artifacts/${encodeURIComponent(hash)}?slug=${TEAM}`, backend.url), {
      method,
      headers: { authorization: `Bearer ${backend.token}`, ...headers },
      timeout: REQUEST_TIMEOUT_MS,
    });

  const send = (req: http.ClientRequest, body?: NodeJS.ReadableStream) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
      req.once('timeout', () => req.destroy(new Error(`remote cache: the store did not answer within ${REQUEST_TIMEOUT_MS} ms`)));
      if (body) {
        body.once('error', (err) => req.destroy(err));
        body.pipe(req);
      } else req.end();
    });

  const unexpected = async (what: string, res: http.IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return new Error(
      `remote cache: the store answered ${res.statusCode} to ${what}: ${Buffer.concat(chunks).toString('utf8').slice(0, 500)}`,
    );
  };

  return {
    async has(hash) {
      const res = await send(request('HEAD', hash));
      if (res.statusCode !== 200 && res.statusCode !== 404) throw await unexpected(`HEAD ${hash}`, res);
      res.resume();
      return res.statusCode === 200;
    },
    async get(hash) {
      const res = await send(request('GET', hash));
      if (res.statusCode === 200) return res;
      if (res.statusCode === 404) {
        res.resume();
        return null;
      }
      throw await unexpected(`GET ${hash}`, res);
    },
    async put(hash, body, length) {
      const res = await send(request('PUT', hash, { 'content-type': 'application/octet-stream', 'content-length': length }), body);
      if (res.statusCode === 200) {
        res.resume();
        return;
      }
      throw await unexpected(`PUT ${hash}`, res);
    },
  };
}
