import { MIN_PODMAN_VERSION } from '../codex/schemas/prime';
import { ScribeError } from './errors';

export interface PodmanVersion {
  major: number;
  minor: number;
}

export { MIN_PODMAN_VERSION };

function parse(text: string): PodmanVersion | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export function atLeast(v: PodmanVersion, since: string): boolean {
  const s = parse(since)!;
  return v.major > s.major || (v.major === s.major && v.minor >= s.minor);
}

export const formatVersion = (v: PodmanVersion): string => `${v.major}.${v.minor}`;

/** The target podman of the Prime Scroll; older than 5.3 cannot express the pod we need. */
export function podmanVersion(text: string): PodmanVersion {
  const v = parse(text);
  const source = { file: 'lychd.toml', field: 'sepulcher.podman_version' };
  if (!v) throw new ScribeError('LYCHD405', `"${text}" is not a podman version such as "5.3"`, source);
  if (!atLeast(v, MIN_PODMAN_VERSION)) {
    throw new ScribeError(
      'LYCHD405',
      `podman ${text} is not supported: the Sepulcher needs podman ${MIN_PODMAN_VERSION} or later, the first whose [Pod] accepts UserNS=keep-id`,
      source,
    );
  }
  return v;
}
