/**
 * Which keys each Quadlet section accepts, from which podman version, and how
 * podman reads their values (podman `pkg/systemd/quadlet/quadlet.go` and
 * `pkg/systemd/parser/unitfile.go`; podman-systemd.unit(5)). A key missing here, or newer
 * than the target podman, is never written: podman would reject the whole file.
 */

export type SectionName = 'Unit' | 'Pod' | 'Container' | 'Volume' | 'Service' | 'Install';

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

export interface KeySpec {
  kind: ValueKind;
  /** First podman version whose generator accepts the key. */
  since: string;
  /** Keys read with `LookupAll*` may repeat; the others keep only the last line, silently. */
  repeat: boolean;
  /** The key's value ends up in the `podman` command line, where systemd expands `$`. */
  inExecStart: boolean;
}

const k = (kind: ValueKind, since: string, repeat: boolean, inExecStart: boolean): KeySpec => ({ kind, since, repeat, inExecStart });
const systemd = (kind: ValueKind, repeat = false): KeySpec => k(kind, '0.0', repeat, false);

const UNIT: Record<string, KeySpec> = {
  Description: systemd('text'),
  Requires: systemd('units', true),
  Wants: systemd('units', true),
  After: systemd('units', true),
  Before: systemd('units', true),
  Conflicts: systemd('units', true),
};

const POD: Record<string, KeySpec> = {
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
};

const CONTAINER: Record<string, KeySpec> = {
  ContainerName: k('word', '5.0', false, true),
  Image: k('word', '5.0', false, true),
  Pod: k('word', '5.0', false, true),
  Exec: k('args', '5.0', false, true),
  Environment: k('keyval', '5.0', true, true),
  Label: k('keyval', '5.0', true, true),
  Secret: k('args', '5.0', true, true),
  Volume: k('mount', '5.0', true, true),
  AddDevice: k('word', '5.0', true, true),
  HealthCmd: k('command', '5.0', false, true),
  HealthInterval: k('word', '5.0', false, true),
  HealthStartPeriod: k('word', '5.0', false, true),
  Notify: k('word', '5.0', false, false),
  PodmanArgs: k('args', '5.0', true, true),
  ShmSize: k('word', '5.0', false, true),
  StopTimeout: k('word', '5.0', false, true),
  StartWithPod: k('word', '5.3', false, false),
  ServiceName: k('word', '5.3', false, false),
  Memory: k('word', '5.5', false, true),
  Retry: k('word', '5.5', false, true),
  HttpProxy: k('word', '5.7', false, true),
};

const VOLUME: Record<string, KeySpec> = {
  VolumeName: k('word', '5.0', false, true),
};

const SERVICE: Record<string, KeySpec> = {
  Restart: systemd('word'),
  TimeoutStartSec: systemd('word'),
};

const INSTALL: Record<string, KeySpec> = {
  WantedBy: systemd('units', true),
};

export const KEY_TABLE: Readonly<Record<SectionName, Readonly<Record<string, KeySpec>>>> = {
  Unit: UNIT,
  Pod: POD,
  Container: CONTAINER,
  Volume: VOLUME,
  Service: SERVICE,
  Install: INSTALL,
};

/**
 * Keys that must never be set on a pod member (docs/scribe.md, "Rules, and why"): they either break
 * the pod at run time (ports, user namespace maps) or silently take the
 * container out of the pod's network.
 */
export const FORBIDDEN_ON_MEMBERS = [
  'UserNS', 'UIDMap', 'GIDMap', 'SubUIDMap', 'SubGIDMap', 'RemapUsers', 'RemapUid', 'RemapGid',
  'PublishPort', 'Network', 'AddHost', 'HostName', 'IP', 'IP6', 'ExposeHostPort',
] as const;

export function keySpec(section: SectionName, key: string): KeySpec | undefined {
  return Object.prototype.hasOwnProperty.call(KEY_TABLE[section], key) ? KEY_TABLE[section][key] : undefined;
}
