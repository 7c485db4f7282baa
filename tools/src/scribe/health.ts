import type { ValueSource } from './errors';
import { command, entry, word, type Entry } from './unit';

export interface HealthTimings {
  /** Seconds between checks once started (the regular check). */
  interval: number;
  /** Seconds between startup checks, until the first passes; `interval` when not given. */
  startupInterval?: number;
  /** Seconds one check may take. */
  timeout: number;
  /** Failed checks in a row, once started, before the container is killed. */
  retries: number;
}

/**
 * Readiness, as podman runs it (libpod/healthcheck.go). podman's `HealthStartPeriod` counts from
 * the container's start and ignores every failure inside it, even after the first success, so a
 * start period long enough to load a large model would also hide an engine that hangs in that
 * time. A startup check gates the regular one instead: it runs the same command until it first
 * passes (never restarting the container; `TimeoutStartSec=` bounds the load), then the regular
 * check counts every failure. With `Notify=healthy` the unit counts as started once the startup
 * check passes; `HealthOnFailure=kill` turns an engine that stops answering into a failed unit
 * that `Restart=on-failure` starts again.
 */
export function healthEntries(
  check: string,
  t: HealthTimings,
  sources: Partial<Record<keyof HealthTimings | 'check', ValueSource>> = {},
): Entry<'Container'>[] {
  return [
    entry('HealthCmd', command(check), sources.check),
    entry('HealthInterval', word(`${t.interval}s`), sources.interval),
    entry('HealthTimeout', word(`${t.timeout}s`), sources.timeout),
    entry('HealthRetries', word(t.retries), sources.retries),
    entry('HealthOnFailure', word('kill')),
    entry('HealthStartupCmd', command(check), sources.check),
    entry(
      'HealthStartupInterval',
      word(`${t.startupInterval ?? t.interval}s`),
      t.startupInterval === undefined ? sources.interval : undefined,
    ),
    entry('HealthStartupTimeout', word(`${t.timeout}s`), sources.timeout),
    // 0: never restart while starting; the start is bounded by TimeoutStartSec=.
    entry('HealthStartupRetries', word(0)),
    entry('HealthStartupSuccess', word(1)),
    entry('Notify', word('healthy')),
  ];
}
