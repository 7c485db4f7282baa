import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

/**
 * A fresh temporary folder, removed with all it holds when the test file ends, passed or failed
 * (removeTempDirs, after all of the file's tests: test/support/cleanup.ts), or when a process
 * outside vitest exits. LYCHD_TEST_KEEP=1 keeps them, to look into a failure. Workspace copies
 * hold an Nx cache and an image store of a gigabyte or more each: a whole run left tens of
 * gigabytes behind before.
 */
export function tempDir(prefix: string, parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  if (made.length === 0) process.on('exit', removeTempDirs);
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  if (process.env.LYCHD_TEST_KEEP === '1') return;
  for (const dir of made.splice(0).reverse()) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      // A mount left inside (a killed buildah): scripts/test.sh unmounts and removes what is left.
      process.stderr.write(`could not remove ${dir}: ${(e as Error).message}\n`);
    }
  }
}
