/** File and unit names of the generation (podman-systemd.unit(5): `x.container` → `x.service`, `x.pod` → `x-pod.service`). */

export const POD_FILE = 'lychd.pod';
export const POD_NAME = 'lychd';
export const POD_SERVICE = 'lychd-pod.service';
export const CAPABILITIES_FILE = 'capabilities.json';

/** Unit name (file name without extension) of a soulstone. */
export const soulstoneUnit = (name: string): string => `soulstone-${name}`;
export const soulstoneFile = (name: string): string => `${soulstoneUnit(name)}.container`;

/** Podman container names: distinct from the pod's name and from `lychd-infra`. */
export const containerName = (unit: string): string => `lychd-${unit}`;

export const serviceOf = (unit: string): string => `${unit}.service`;

/** The Vessel's service (`vessel.container`): only the Rebirth Gate restarts it. */
export const VESSEL_SERVICE = serviceOf('vessel');

/** The target that starts a coven's soulstones together: `coven-<name>.target`. */
export const covenTarget = (coven: string): string => `coven-${coven}.target`;

/** The service quadlet generates for a file name. */
export function serviceForFile(file: string): string | undefined {
  const base = file.split('/').pop()!;
  const m = /^(.*)\.(container|pod|volume|network|kube|image|build)$/.exec(base);
  if (!m) return undefined;
  return m[2] === 'container' ? `${m[1]}.service` : `${m[1]}-${m[2]}.service`;
}
