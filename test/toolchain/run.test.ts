import { describe, expect, it } from 'vitest';
import { OutputLimitError, runProgram, runProgramAsync, type RunOptions, type RunResult } from '../../tools/src/toolchain/run';

const loud = ['-e', 'process.stdout.write("x".repeat(3 * 1024 * 1024))'];

// The blocking runner and the one that leaves the event loop free keep the same limits and errors.
describe.each([
  ['runProgram', async (args: string[], opts: RunOptions): Promise<RunResult> => runProgram(process.execPath, args, opts)],
  ['runProgramAsync', (args: string[], opts: RunOptions) => runProgramAsync(process.execPath, args, opts)],
])('%s', (_name, run) => {
  it('stops a program that prints more than its limit, and says so in words', async () => {
    const thrown = await run(loud, { maxOutputBytes: 1024 * 1024 }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(OutputLimitError);
    expect((thrown as OutputLimitError).diagnostics).toEqual([
      { severity: 'error', code: 'LYCHD801', message: `${process.execPath} printed more than 1 MiB and was stopped` },
    ]);
    // Under the limit, the output is whole.
    expect((await run(loud, { maxOutputBytes: 4 * 1024 * 1024 })).stdout).toHaveLength(3 * 1024 * 1024);
  });

  it('gives the exit status and both streams; stops a program past its timeout', async () => {
    const r = await run(['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'], {});
    expect(r).toEqual({ status: 3, stdout: 'out', stderr: 'err' });
    const hung = await run(['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 }).catch(
      (e: { diagnostics?: unknown }) => e.diagnostics,
    );
    expect(hung).toEqual([
      {
        severity: 'error',
        code: 'LYCHD801',
        message: `${process.execPath} did not finish within 0.3 s and was stopped`,
        cause: [`${process.execPath} ETIMEDOUT`],
      },
    ]);
  });
});
