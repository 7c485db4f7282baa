import { spawnSync } from 'node:child_process';
import { byCodePoint } from '../shared/order';
import { failure, type Diagnostic } from '../diagnostics';
import { portals, soulstones, type Codex } from '../codex/model';
import { MissingToolError, resolveTool } from '../toolchain';
import { atLeast } from './version';

/**
 * podman's path, or undefined when it is not installed (or no workspace is around to search).
 * `LYCHD_PODMAN` naming no executable file is an error, never "not installed".
 */
function findPodman(): string | undefined {
  try {
    return resolveTool('podman');
  } catch (e) {
    if (e instanceof MissingToolError) throw e;
    return undefined;
  }
}

/**
 * The installed podman must be at least the version the generation targets: an older one lacks
 * what the units use (podman 4.x has no `.pod` quadlets and no `podman secret exists`).
 */
export function podmanTooOld(podman: string, target: string): string | undefined {
  const r = spawnSync(podman, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw failure('LYCHD801', `cannot run ${podman}`, { cause: [r.error.message] });
  const found = /(\d+)\.(\d+)(?:\.\d+)?/.exec(r.stdout ?? '');
  if (r.status !== 0 || !found)
    return `${podman} --version did not print a version (exit ${r.status ?? r.signal}), so it cannot be the podman the generation needs (${target} or later)`;
  const version = { major: Number(found[1]), minor: Number(found[2]) };
  if (atLeast(version, target)) return undefined;
  return (
    `podman ${found[0]} was found at ${podman}, but the generation targets podman ${target} (sepulcher.podman_version): ` +
    `podman ${found[0]} lacks what its units use. Install podman ${target} or later (Debian trixie has 5.4), ` +
    'or point LYCHD_PODMAN at one.'
  );
}

/** A podman secret some part of the Sepulcher mounts. */
export interface RequiredSecret {
  /** `phylactery`, or the rune's name. */
  owner: string;
  /** Where it is asked for: `lychd.toml` or the rune's file. */
  file: string;
  field: string;
  secret: string;
}

/** Every secret the generation mounts, with who asks for it; sorted by secret, then owner. */
export function requiredSecrets(codex: Codex): RequiredSecret[] {
  const p = codex.prime.phylactery;
  const out: RequiredSecret[] = [
    { owner: 'phylactery', file: 'lychd.toml', field: 'phylactery.password_secret', secret: p.password_secret },
  ];
  for (const r of soulstones(codex)) {
    for (const [variable, secret] of Object.entries(r.config.secret_env_files)) {
      out.push({ owner: r.config.name, file: r.origin.file, field: `secret_env_files.${variable}`, secret });
    }
  }
  for (const r of portals(codex)) {
    if (r.config.api_key_secret)
      out.push({ owner: r.config.name, file: r.origin.file, field: 'api_key_secret', secret: r.config.api_key_secret });
  }
  return out.sort((a, b) => byCodePoint(a.secret, b.secret) || byCodePoint(a.owner, b.owner) || byCodePoint(a.field, b.field));
}

export interface SecretCheck {
  /** False when podman is not installed: nothing could be checked. */
  checked: boolean;
  /** One per missing secret and asker, saying how to create it; or why this podman cannot be asked. */
  errors: Pick<Diagnostic, 'code' | 'message'>[];
  /** Why nothing was checked. */
  skipped?: string;
}

export const createCommand = (secret: string): string => `printf '%s' '<value>' | podman secret create ${secret} -`;

/** `podman secret exists` for every required secret (run at bind time, when the units are about to start). */
export function checkSecretsExist(codex: Codex, podmanPath?: string): SecretCheck {
  const podman = podmanPath ?? findPodman();
  if (!podman) return { checked: false, errors: [], skipped: 'podman is not installed, so the secrets could not be checked' };
  const tooOld = podmanTooOld(podman, codex.prime.sepulcher.podman_version);
  if (tooOld) return { checked: true, errors: [{ code: 'LYCHD800', message: tooOld }] };
  const required = requiredSecrets(codex);
  const exists = new Map<string, boolean>();
  for (const secret of new Set(required.map((r) => r.secret))) {
    const r = spawnSync(podman, ['secret', 'exists', secret], { stdio: 'ignore', timeout: 30_000 });
    if (r.error) throw failure('LYCHD801', `cannot run ${podman}`, { cause: [r.error.message] });
    // `podman secret exists` answers 0 (exists) or 1 (missing); anything else is podman failing.
    if (r.status !== 0 && r.status !== 1)
      throw failure('LYCHD801', `\`podman secret exists ${secret}\` failed with exit ${r.status ?? r.signal}`);
    exists.set(secret, r.status === 0);
  }
  const errors = required
    .filter((r) => !exists.get(r.secret))
    .map((r) => ({
      code: 'LYCHD507' as const,
      message:
        `${r.owner === 'phylactery' ? 'core service phylactery' : `rune "${r.owner}"`} (${r.file} [${r.field}]) needs podman secret "${r.secret}", ` +
        `which does not exist; create it with: ${createCommand(r.secret)}`,
    }));
  return { checked: true, errors };
}
