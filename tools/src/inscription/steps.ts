import * as fs from 'node:fs';

/*
 * Runs the named, ordered steps of one operation. Each step is numbered from 1 in the order
 * given, so crash tests can stop the process right before any of them:
 *   LYCHD_BIND_KILL_AT=<n|name>   SIGKILL this process just before step n
 *   LYCHD_BIND_PAUSE_AT=<n|name>:<ms>  sleep that long just before step n (to force overlap)
 *   LYCHD_BIND_TRACE=<file>       append "<pid> <begin|end> <n> <name> <ms>" around each step
 * The hooks only read the environment; with none set they cost nothing.
 */

export interface StepRunner<Name extends string> {
  run<T>(name: Name, fn: () => T | Promise<T>): Promise<T>;
}

function matches(spec: string | undefined, n: number, name: string): boolean {
  return spec !== undefined && (spec === String(n) || spec === name);
}

function trace(file: string | undefined, phase: string, n: number, name: string): void {
  if (file) fs.appendFileSync(file, `${process.pid} ${phase} ${n} ${name} ${Date.now()}\n`);
}

export function stepRunner<Name extends string>(steps: readonly Name[], env: NodeJS.ProcessEnv = process.env): StepRunner<Name> {
  let last = 0;
  return {
    async run<T>(name: Name, fn: () => T | Promise<T>): Promise<T> {
      const n = steps.indexOf(name) + 1;
      if (n === 0) throw new Error(`internal: unknown step ${name}`);
      if (n <= last) throw new Error(`internal: step ${name} (${n}) runs out of order after step ${last}`);
      last = n;
      const traceFile = env['LYCHD_BIND_TRACE'];
      trace(traceFile, 'begin', n, name);
      if (matches(env['LYCHD_BIND_KILL_AT'], n, name)) process.kill(process.pid, 'SIGKILL');
      const pause = env['LYCHD_BIND_PAUSE_AT']?.split(':');
      if (pause && matches(pause[0], n, name)) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(pause[1] ?? 0));
      }
      const out = await fn();
      trace(traceFile, 'end', n, name);
      return out;
    },
  };
}
