import { describe, expect, it } from 'vitest';
import { OutputLimitError, runProgram } from '../../tools/src/toolchain/run';

describe('runProgram', () => {
  it('stops a program that prints more than its limit, and says so in words', () => {
    const loud = ['-e', 'process.stdout.write("x".repeat(3 * 1024 * 1024))'];
    let thrown: unknown;
    try {
      runProgram(process.execPath, loud, { maxOutputBytes: 1024 * 1024 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OutputLimitError);
    expect((thrown as OutputLimitError).diagnostics).toEqual([
      { severity: 'error', code: 'LYCHD801', message: `${process.execPath} printed more than 1 MiB and was stopped` },
    ]);
    // Under the limit, the output is whole.
    expect(runProgram(process.execPath, loud, { maxOutputBytes: 4 * 1024 * 1024 }).stdout).toHaveLength(3 * 1024 * 1024);
  });
});
