import * as path from 'node:path';
import { error, type LocatedDiagnostic } from './diagnostics';
import type { LocatedRune } from './rule';
import { coreServicePorts } from './cross-rune-rules';
import { ENV_NAME_PATTERN, SECRET_PATTERN } from './patterns';
import { continuesLine, UNIT_CONTROL } from './unit-line';
import type { Registered, Registry } from '../artifacts/federation-record';
import type { VesselNeed, VesselNeeds } from './model';
import type { PrimeScroll } from './schemas/prime';

/**
 * What the extensions' hooks ask of the Vessel's container (`context.add_environment`,
 * `add_volume`, `add_device`, `add_port`, `add_secret`): checked once when the hook's output is
 * read (the shape of each item) and again when the Codex is loaded (clashes between the active
 * extensions, the Forge's own variables and every other service's port).
 */

export const noVesselNeeds = (): VesselNeeds => ({ environment: [], volumes: [], devices: [], ports: [], secrets: [] });

/** The variables the Scribe itself sets on the Vessel (scribe/core.ts); no extension may set one. */
export const VESSEL_VARIABLES = [
  'LYCHD_CAPABILITIES',
  'LYCHD_DATABASE_PASSWORD_FILE',
  'LYCHD_DATABASE_URL',
  'LYCHD_LOG_LEVEL',
  'LYCHD_PORT',
  'LYCHD_QUEUE_CONCURRENCY',
  'PHOENIX_COLLECTOR_ENDPOINT',
] as const;

/** Paths the Scribe mounts into the Vessel itself. */
const VESSEL_MOUNTS = ['/etc/lychd/capabilities.json', '/run/secrets'];

/** A problem with one registered item: what is wrong and how to fix it. */
export interface ShapeProblem {
  message: string;
  hint: string;
}

const PATH_PART = /^[A-Za-z0-9_.@+=,-]+$/;
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** An absolute path every unit line can carry as is: no `..` or `.` part, no empty part, safe characters only. */
function absolutePathProblem(p: unknown, what: string): string | undefined {
  if (typeof p !== 'string' || !p.startsWith('/')) return `${what} ${JSON.stringify(p)} is not an absolute path`;
  const parts = p.slice(1).split('/');
  if (parts.some((x) => x === '..' || x === '.')) return `${what} ${JSON.stringify(p)} has a "." or ".." part`;
  if (p !== '/' && parts.some((x) => !PATH_PART.test(x)))
    return `${what} ${JSON.stringify(p)} may only hold letters, digits and _.@+=,- between single "/"`;
  return undefined;
}

export function environmentProblem(v: unknown): ShapeProblem | undefined {
  const e = v as { name?: unknown; value?: unknown } | undefined;
  if (typeof e?.name !== 'string' || !ENV_NAME_PATTERN.test(e.name))
    return {
      message: `${JSON.stringify(e?.name)} is not a variable name`,
      hint: 'use letters, digits and "_", not starting with a digit, e.g. "ORACLE_VOICE"',
    };
  // The value may be a secret: what is wrong is said without it.
  if (typeof e.value !== 'string' || UNIT_CONTROL.test(e.value) || continuesLine(e.value) || e.value.length > 4096)
    return {
      message: `the value of ${e.name} is not one line of text (value not shown)`,
      hint: 'pass a string of at most 4096 characters, without newlines or control characters, not ending in a backslash',
    };
  return undefined;
}

export function volumeProblem(v: unknown): ShapeProblem | undefined {
  const m = v as { source?: unknown; target?: unknown; readOnly?: unknown } | undefined;
  const hint = 'add_volume("<volume name or /host/folder>", "/folder/in/vessel", read_only=True)';
  const source = m?.source;
  const sourceProblem =
    typeof source === 'string' && !source.startsWith('/')
      ? VOLUME_NAME.test(source)
        ? undefined
        : `volume source ${JSON.stringify(source)} is neither a volume name nor an absolute host path`
      : absolutePathProblem(source, 'volume source');
  const problem = sourceProblem ?? absolutePathProblem(m?.target, 'volume target');
  if (problem) return { message: problem, hint };
  if (m!.target === '/') return { message: 'a volume cannot be mounted over / of the Vessel', hint };
  if (typeof m!.readOnly !== 'boolean') return { message: 'read_only must be True or False', hint };
  return undefined;
}

export function deviceProblem(v: unknown): ShapeProblem | undefined {
  const hint = 'pass the host device\'s absolute path under /dev, e.g. "/dev/snd"';
  const problem = absolutePathProblem(v, 'device');
  if (problem) return { message: problem, hint };
  if (!(v as string).startsWith('/dev/')) return { message: `device ${JSON.stringify(v)} is not under /dev`, hint };
  return undefined;
}

export function portProblem(v: unknown): ShapeProblem | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535) return undefined;
  return { message: `port ${JSON.stringify(v)} is not a whole number between 1 and 65535`, hint: 'pass the port as an int, e.g. 8450' };
}

export function secretProblem(v: unknown): ShapeProblem | undefined {
  const s = v as { name?: unknown; variable?: unknown } | undefined;
  if (typeof s?.name !== 'string' || !SECRET_PATTERN.test(s.name))
    return {
      message: `${JSON.stringify(s?.name)} is not a podman secret name`,
      hint: 'use letters, digits, ".", "_" or "-", up to 253 characters',
    };
  if (s.variable !== undefined && s.variable !== null && (typeof s.variable !== 'string' || !ENV_NAME_PATTERN.test(s.variable)))
    return {
      message: `${JSON.stringify(s.variable)} is not a variable name`,
      hint: 'use letters, digits and "_", not starting with a digit, or leave variable out',
    };
  return undefined;
}

const where = (n: { file: string; line: number }) => `${n.file}:${n.line}`;

/**
 * The active extensions' needs, in extension order, and every clash: a variable set twice (or one
 * the Forge sets), a port another extension, a core service or a soulstone holds, a folder of the
 * Vessel mounted twice. Each error is at the later registration and names the other one.
 */
export function vesselNeeds(
  workspaceRoot: string,
  registry: Registry,
  active: string[],
  prime: PrimeScroll | undefined,
  runes: LocatedRune[],
): { needs: VesselNeeds; diagnostics: LocatedDiagnostic[] } {
  const needs = noVesselNeeds();
  const diagnostics: LocatedDiagnostic[] = [];
  const clash = (n: VesselNeed<unknown>, message: string, hint: string) =>
    diagnostics.push(
      error('LYCHD203', path.join(workspaceRoot, n.file), { line: n.line, column: 1 }, `extension ${n.provider}: ${message}`, { hint }),
    );
  const of = <T>(provider: string, items: Registered<T>[] | undefined): VesselNeed<T>[] =>
    (items ?? []).map((i) => ({ value: i.value, provider, file: i.file, line: i.line }));

  const variables = new Map<string, string>(VESSEL_VARIABLES.map((v) => [v, 'the Forge (scribe/core.ts)']));
  const ports = new Map<number, string>();
  for (const { service, port } of prime ? coreServicePorts(prime) : []) ports.set(port, `core service ${service} (lychd.toml)`);
  for (const r of runes)
    if (r.rune.kind === 'soulstone') ports.set(r.rune.config.port, `soulstone ${r.rune.config.name} (${r.rune.origin.relativePath})`);
  const targets = new Map<string, string>(VESSEL_MOUNTS.map((t) => [t, 'the Forge']));
  const takeVariable = (n: VesselNeed<unknown>, name: string, owner: string) => {
    const other = variables.get(name);
    if (other) clash(n, `variable ${name} is also set by ${other}`, 'use a variable of your own, e.g. one named after the extension');
    else variables.set(name, owner);
  };

  for (const provider of active) {
    const r = registry.extensions[provider];
    if (!r) continue;
    const by = (n: VesselNeed<unknown>) => `extension ${provider} (${where(n)})`;
    for (const n of of(provider, r.environment)) {
      takeVariable(n, n.value.name, by(n));
      needs.environment.push(n);
    }
    for (const n of of(provider, r.secrets)) {
      if (n.value.variable) takeVariable(n, n.value.variable, by(n));
      needs.secrets.push(n);
    }
    for (const n of of(provider, r.ports)) {
      const other = ports.get(n.value);
      if (other)
        clash(n, `port ${n.value} is also used by ${other}`, 'every service of the pod shares one network namespace: pick a free port');
      else ports.set(n.value, by(n));
      needs.ports.push(n);
    }
    for (const n of of(provider, r.volumes)) {
      const other = targets.get(n.value.target);
      if (other) clash(n, `${n.value.target} of the Vessel is also mounted by ${other}`, 'mount the volume at a folder of its own');
      else targets.set(n.value.target, by(n));
      needs.volumes.push(n);
    }
    // The same device given twice is the same device: no clash.
    needs.devices.push(...of(provider, r.devices));
  }
  return { needs, diagnostics };
}
