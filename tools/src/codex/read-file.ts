import * as fs from 'node:fs';
import { error, START, type LocatedDiagnostic } from './diagnostics';

/** No Codex file is sensibly larger: a limit keeps a runaway value from exhausting the parser. */
export const MAX_CODEX_FILE_BYTES = 64 * 1024;

/**
 * The one rule for links, for every reader of the Codex (the command line, the Nx tasks):
 * a Codex holds plain files and folders. A symbolic link is refused, with where it points,
 * rather than followed by one reader and skipped by another.
 */
export function linkProblem(file: string): LocatedDiagnostic | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (e) {
    return unreadable(file, e);
  }
  if (!stat.isSymbolicLink()) return undefined;
  let target = '(unreadable)';
  try {
    target = fs.readlinkSync(file);
  } catch {
    // Reported without its target.
  }
  return error('LYCHD101', file, START, `is a symbolic link (to ${JSON.stringify(target)}); the Codex holds plain files and folders only`, {
    hint: 'replace the link with a copy of the file or folder it points to',
  });
}

export function unreadable(file: string, e: unknown): LocatedDiagnostic {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'cannot be read: permission denied'
      : code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : code === 'ELOOP'
            ? 'is a loop of symbolic links'
            : `cannot be read (${code ?? 'unknown error'})`;
  return error('LYCHD101', file, START, why, {
    hint: code === 'EACCES' || code === 'EPERM' ? 'give the user running the Forge read access to it' : undefined,
  });
}

/** Byte offset of the first byte that is not valid UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // Find where: the decoder does not say.
  }
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const [n, min] =
      b < 0x80
        ? [0, 0]
        : b >= 0xc2 && b <= 0xdf
          ? [1, 0x80]
          : b >= 0xe0 && b <= 0xef
            ? [2, 0x800]
            : b >= 0xf0 && b <= 0xf4
              ? [3, 0x10000]
              : [-1, 0];
    if (n < 0 || i + n >= bytes.length) return i;
    let cp = n === 0 ? b : b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** A Codex file's text, or why it cannot be read: missing, unreadable, too large, not UTF-8. */
export function readCodexFile(file: string): { text: string } | { diagnostic: LocatedDiagnostic } {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_CODEX_FILE_BYTES) {
      return {
        diagnostic: error('LYCHD101', file, START, `is ${size} bytes; a Codex file may hold at most ${MAX_CODEX_FILE_BYTES} bytes`, {
          hint: 'keep long values short: a rune describes one service',
        }),
      };
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    return { diagnostic: unreadable(file, e) };
  }
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) {
    const before = bytes.subarray(0, bad).toString('utf8').split('\n');
    return {
      diagnostic: error(
        'LYCHD101',
        file,
        { line: before.length, column: before[before.length - 1]!.length + 1 },
        `is not valid UTF-8: byte ${bad} (0x${bytes[bad]!.toString(16).padStart(2, '0')}) starts no valid character`,
        {
          hint: 'save the file as UTF-8',
        },
      ),
    };
  }
  return { text: bytes.toString('utf8') };
}
