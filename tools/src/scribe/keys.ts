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

/**
 * A key podman's generator reads from version `since`; its value reaches the podman command line
 * unless `inExecStart` is false. Generic in the kind, so the table's type keeps each key's kind as a literal.
 */
const podman = <K extends ValueKind>(kind: K, since: string, { repeat = false, inExecStart = true } = {}): KeySpec<K> => ({
  kind,
  since,
  repeat,
  inExecStart,
});
/** A key systemd reads itself: in every podman version, never on the podman command line. */
const systemd = <K extends ValueKind>(kind: K, { repeat = false } = {}): KeySpec<K> => ({ kind, since: '0.0', repeat, inExecStart: false });

/**
 * The table is the type: `SectionName`, `KeyOf<S>` and `KindOf<S, K>` are read from it, so a
 * builder that names a key the section lacks, or gives it a value of another kind, does not
 * compile (test/scribe/keys.test.ts). What needs the target podman (`since`) or the whole
 * section (`repeat`) stays a check in the serializer.
 */
export const KEY_TABLE = {
  Unit: {
    Description: systemd('text'),
    Requires: systemd('units', { repeat: true }),
    Wants: systemd('units', { repeat: true }),
    After: systemd('units', { repeat: true }),
    Before: systemd('units', { repeat: true }),
    Conflicts: systemd('units', { repeat: true }),
  },
  Pod: {
    PodName: podman('word', '5.0'),
    PodmanArgs: podman('args', '5.0', { repeat: true }),
    PublishPort: podman('word', '5.0', { repeat: true }),
    Network: podman('word', '5.0', { repeat: true }),
    Volume: podman('mount', '5.0', { repeat: true }),
    NetworkAlias: podman('word', '5.2', { repeat: true }),
    UserNS: podman('word', '5.3'),
    ServiceName: podman('word', '5.3', { inExecStart: false }),
    AddHost: podman('word', '5.3', { repeat: true }),
    ShmSize: podman('word', '5.4'),
    HostName: podman('word', '5.5'),
    ExitPolicy: podman('word', '5.6'),
    Label: podman('keyval', '5.6', { repeat: true }),
    StopTimeout: podman('word', '5.7'),
  },
  Container: {
    ContainerName: podman('word', '5.0'),
    Image: podman('word', '5.0'),
    Pod: podman('word', '5.0'),
    Exec: podman('args', '5.0'),
    Entrypoint: podman('word', '5.0'),
    Environment: podman('keyval', '5.0', { repeat: true }),
    Label: podman('keyval', '5.0', { repeat: true }),
    Secret: podman('args', '5.0', { repeat: true }),
    Volume: podman('mount', '5.0', { repeat: true }),
    AddDevice: podman('word', '5.0', { repeat: true }),
    HealthCmd: podman('command', '5.0'),
    HealthInterval: podman('word', '5.0'),
    HealthStartPeriod: podman('word', '5.0'),
    HealthTimeout: podman('word', '5.0'),
    HealthRetries: podman('word', '5.0'),
    HealthOnFailure: podman('word', '5.0'),
    HealthStartupCmd: podman('command', '5.0'),
    HealthStartupInterval: podman('word', '5.0'),
    HealthStartupTimeout: podman('word', '5.0'),
    HealthStartupRetries: podman('word', '5.0'),
    HealthStartupSuccess: podman('word', '5.0'),
    Notify: podman('word', '5.0', { inExecStart: false }),
    PodmanArgs: podman('args', '5.0', { repeat: true }),
    ShmSize: podman('word', '5.0'),
    StopTimeout: podman('word', '5.0'),
    StartWithPod: podman('word', '5.3', { inExecStart: false }),
    ServiceName: podman('word', '5.3', { inExecStart: false }),
    Memory: podman('word', '5.5'),
    Retry: podman('word', '5.5'),
    HttpProxy: podman('word', '5.7'),
  },
  Volume: {
    VolumeName: podman('word', '5.0'),
  },
  Service: {
    Restart: systemd('word'),
    TimeoutStartSec: systemd('word'),
  },
  Install: {
    WantedBy: systemd('units', { repeat: true }),
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
