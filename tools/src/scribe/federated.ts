import * as path from 'node:path';
import { isFamilyAnchor } from '../codex/anchors';
import { soulstones, type Codex } from '../codex/model';
import { soulstoneRoster } from './roster';
import { renderSoulstone } from './soulstone';

/**
 * Whether a rune is a file of a built-in family's folder, which its rune folder's task renders
 * (`runes-<folder>:scribe`). The others, registered by a hook or runes of an extension family that
 * renders as a built-in one, are the `federated` aggregate's.
 */
export const fromRuneFolder = (origin: { relativePath: string }): boolean =>
  origin.relativePath.endsWith('.toml') && isFamilyAnchor(path.posix.dirname(origin.relativePath));

/** The units of the soulstones no rune folder holds, with the soulstone roster of the whole Codex. */
export function renderFederatedSoulstones(codex: Codex): Map<string, string> {
  const roster = soulstoneRoster(codex);
  return new Map(
    soulstones(codex)
      .filter((r) => !fromRuneFolder(r.origin))
      .map((r) => {
        const { file, text } = renderSoulstone(r, roster);
        return [file, text] as const;
      }),
  );
}
