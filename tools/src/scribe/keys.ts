/**
 * Which keys each Quadlet section accepts, from which podman version, and how
 * podman reads their values (podman `pkg/systemd/quadlet/quadlet.go` and
 * `pkg/systemd/parser/unitfile.go`; podman-systemd.unit(5)). A key missing here, or newer
 * than the target podman, is never written: podman would reject the whole file.
 */

/**
 * How a value is read:
 * - `text`: systemd string with specifiers, not unquoted (`Description`).
 * - `units`: space-separated unit names (`Conflicts`, `After`, ...).
 * - `word`: one raw token, never unquoted (`Image`, `PublishPort`, ...).
 * - `mount`: one raw `source:target[:options]` per line (`Volume`), may start with `%h/` or `./`.
 * - `args`: split shell-like with C escapes, then re-quoted into `ExecStart` (`Exec`, `Secret`, `PodmanArgs`).
 * - `keyval`: systemd-quoted `NAME=value` pairs (`Environment`, `Label`).
 * - `command`: one raw string that becomes a single argument (`HealthCmd`).
 */
export type ValueKind = 'text' | 'units' | 'word' | 'mount' | 'args' | 'keyval' | 'command';

export interface KeySpec<K extends ValueKind = ValueKind> {
  kind: K;
  /** First podman version whose generator accepts the key. */
  since: string;
  /** Keys read with `LookupAll*` may repeat; the others keep only the last line, silently. */
  repeat: boolean;
  /** The key's value ends up in the `podman` command line, where systemd expands `$`. */
  inExecStart: boolean;
}

// Generic in the kind so the table's type keeps each key's kind as a literal.
const k = <K extends ValueKind>(kind: K, since: string, repeat: boolean, inExecStart: boolean): KeySpec<K> => ({
  kind,
  since,
  repeat,
  inExecStart,
});
const systemd = <K extends ValueKind>(kind: K, repeat = false): KeySpec<K> => k(kind, '0.0', repeat, false);

/**
 * The table is the type: `SectionName`, `KeyOf<S>` and `KindOf<S, K>` are read from it, so a
 * builder that names a key the section lacks, or gives it a value of another kind, does not
 * compile (test/scribe/keys.test.ts). What needs the target podman (`since`) or the whole
 * section (`repeat`) stays a check in the serializer.
 */
export const KEY_TABLE = {
  Unit: {
    Description: systemd('text'),
    Requires: systemd('units', true),
    Wants: systemd('units', true),
    After: systemd('units', true),
    Before: systemd('units', true),
    Conflicts: systemd('units', true),
  },
  Pod: {
    PodName: k('word', '5.0', false, true),
    PodmanArgs: k('args', '5.0', true, true),
    PublishPort: k('word', '5.0', true, true),
    Network: k('word', '5.0', true, true),
    Volume: k('mount', '5.0', true, true),
    NetworkAlias: k('word', '5.2', true, true),
    UserNS: k('word', '5.3', false, true),
    ServiceName: k('word', '5.3', false, false),
    AddHost: k('word', '5.3', true, true),
    ShmSize: k('word', '5.4', false, true),
    HostName: k('word', '5.5', false, true),
    ExitPolicy: k('word', '5.6', false, true),
    Label: k('keyval', '5.6', true, true),
    StopTimeout: k('word', '5.7', false, true),
  },
  Container: {
    ContainerName: k('word', '5.0', false, true),
    Image: k('word', '5.0', false, true),
    Pod: k('word', '5.0', false, true),
    Exec: k('args', '5.0', false, true),
    Entrypoint: k('word', '5.0', false, true),
    Environment: k('keyval', '5.0', true, true),
    Label: k('keyval', '5.0', true, true),
    Secret: k('args', '5.0', true, true),
    Volume: k('mount', '5.0', true, true),
    AddDevice: k('word', '5.0', true, true),
    HealthCmd: k('command', '5.0', false, true),
    HealthInterval: k('word', '5.0', false, true),
    HealthStartPeriod: k('word', '5.0', false, true),
    HealthTimeout: k('word', '5.0', false, true),
    HealthRetries: k('word', '5.0', false, true),
    HealthOnFailure: k('word', '5.0', false, true),
    HealthStartupCmd: k('command', '5.0', false, true),
    HealthStartupInterval: k('word', '5.0', false, true),
    HealthStartupTimeout: k('word', '5.0', false, true),
    HealthStartupRetries: k('word', '5.0', false, true),
    HealthStartupSuccess: k('word', '5.0', false, true),
    Notify: k('word', '5.0', false, false),
    PodmanArgs: k('args', '5.0', true, true),
    ShmSize: k('word', '5.0', false, true),
    StopTimeout: k('word', '5.0', false, true),
    StartWithPod: k('word', '5.3', false, false),
    ServiceName: k('word', '5.3', false, false),
    Memory: k('word', '5.5', false, true),
    Retry: k('word', '5.5', false, true),
    HttpProxy: k('word', '5.7', false, true),
  },
  Volume: {
    VolumeName: k('word', '5.0', false, true),
  },
  Service: {
    Restart: systemd('word'),
    TimeoutStartSec: systemd('word'),
  },
  Install: {
    WantedBy: systemd('units', true),
  },
} as const satisfies Record<string, Record<string, KeySpec>>;

type KeyTable = typeof KEY_TABLE;
export type SectionName = keyof KeyTable;
/** The keys section `S` accepts. */
export type KeyOf<S extends SectionName> = keyof KeyTable[S] & string;
/** How podman reads key `K` of section `S`. */
export type KindOf<S extends SectionName, K extends KeyOf<S>> = KeyTable[S][K] extends KeySpec<infer V> ? V : never;
/** Every key some section accepts. */
export type QuadletKey = { [S in SectionName]: KeyOf<S> }[SectionName];
/** The kinds key `K` is read as, over every section that accepts it. */
export type KindsOfKey<K extends QuadletKey> = { [S in SectionName]: K extends KeyOf<S> ? KindOf<S, K> : never }[SectionName];

/**
 * Keys that must never be set on a pod member (docs/scribe.md, "Rules, and why"): they either break
 * the pod at run time (ports, user namespace maps) or silently take the
 * container out of the pod's network.
 */
export const FORBIDDEN_ON_MEMBERS = [
  'UserNS',
  'UIDMap',
  'GIDMap',
  'SubUIDMap',
  'SubGIDMap',
  'RemapUsers',
  'RemapUid',
  'RemapGid',
  'PublishPort',
  'Network',
  'AddHost',
  'HostName',
  'IP',
  'IP6',
  'ExposeHostPort',
] as const;

/** The runtime lookup, for entries the compiler did not see (a key is a string at run time). */
export function keySpec(section: SectionName, key: string): KeySpec | undefined {
  const table: Readonly<Record<string, KeySpec>> = KEY_TABLE[section];
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
