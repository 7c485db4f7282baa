import { timingSafeEqual } from 'node:crypto';
import { failure } from '../diagnostics';

export interface CacheTokens {
  /** May read and write records: give it to trusted jobs (the main branch). */
  readWrite: string;
  /** May only read: give it to untrusted jobs (pull requests from forks). */
  readOnly: string;
}

export type Access = 'read-write' | 'read-only' | 'none';

/** Compares in constant time so that a token cannot be guessed byte by byte from response times. */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What an `Authorization` header grants: Nx sends `Bearer <NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN>`. */
export function accessOf(header: string | undefined, tokens: CacheTokens): Access {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match?.[1]) return 'none';
  const token = match[1];
  // Check both so that the time taken does not tell which token was close.
  const rw = same(token, tokens.readWrite);
  const ro = same(token, tokens.readOnly);
  if (rw) return 'read-write';
  if (ro) return 'read-only';
  return 'none';
}

/** Refuses tokens that would make the two access levels indistinguishable or trivially guessable. */
export function checkTokens(tokens: CacheTokens): void {
  for (const [name, value] of Object.entries(tokens)) {
    if (typeof value !== 'string' || value.length < 8 || /\s/.test(value)) {
      throw failure('LYCHD805', `remote cache: the ${name} token must be at least 8 characters with no spaces`);
    }
  }
  if (tokens.readWrite === tokens.readOnly) throw failure('LYCHD805', 'remote cache: the read-write and read-only tokens must differ');
}
