import { checkFlake, writeFlake } from '../image/sovereign';
import { checked, refused, type Outcome } from '../report';
import type { CommonPaths } from './paths';

/**
 * `lychd-forge flake [--check]` and `forge:flake` / `forge:flake-check`: renders flake.nix (the
 * Sovereign path) from the Synthesis Manifest and the Prime Scroll, or checks that it, and
 * flake.lock when there is one, are current.
 */
export function runFlake(paths: CommonPaths, check: boolean): Outcome {
  if (check) {
    const r = checkFlake(paths);
    if ('diagnostics' in r) return refused('flake.nix', r.diagnostics);
    return checked(r.drift, 'flake.nix is current (and flake.lock, when present, is the recorded one).');
  }
  const r = writeFlake(paths);
  if (!r.ok) return refused('flake.nix', r.diagnostics);
  return { ok: true, summary: r.changed ? 'wrote flake.nix' : 'flake.nix is already current' };
}
