import * as path from 'node:path';
import { error, START, type LocatedDiagnostic } from './diagnostics';
import { BRANCH_ANCHORS, FAMILIES, familyForAnchor, familyForRuntime, runeOf } from './families';
import type { Rune } from './model';
import { runeRules } from './rules';
import { NAME_PATTERN } from './schemas/common';
import { diagnosticsFromIssues } from './schema-issues';
import { linkProblem, readCodexFile } from './read-file';
import { parseTomlSource, type TomlSource } from './toml-source';
import { inheritedDefaults, type RuneDefaults } from './schemas/daemon';

export interface RuneFileRef {
  /** Absolute path of the `runes/` folder the file is under. */
  runeRoot: string;
  /** Path of the file relative to `runeRoot`, with `/` separators. */
  relativePath: string;
  /** `codex` or the extension's folder name. */
  provider: string;
}

const anchorList = () => FAMILIES.map((f) => `runes/${f.anchor}/`).join(', ');

/** Checks where a rune file stands before reading it: the anchor decides which family owns it. */
export function placementProblems(ref: RuneFileRef): LocatedDiagnostic[] {
  const file = path.join(ref.runeRoot, ref.relativePath);
  const parts = ref.relativePath.split('/');
  const stem = parts[parts.length - 1]!.replace(/\.toml$/, '');
  const anchor = parts.slice(0, -1).join('/');
  const bad = [...parts.slice(0, -1), stem].find((p) => !NAME_PATTERN.test(p));
  if (bad !== undefined) {
    return [
      error('LYCHD106', file, START, `path part "${bad}" is not a valid rune path part`, {
        hint: `rename it to match ${NAME_PATTERN.source} (lowercase letters, digits, "-" and "_")`,
      }),
    ];
  }
  if ((BRANCH_ANCHORS as readonly string[]).includes(anchor) || anchor === '') {
    return [
      error(
        'LYCHD106',
        file,
        START,
        `runes/${anchor ? `${anchor}/` : ''} only groups other anchors; no rune family owns files placed directly in it`,
        {
          hint: `move the file into one of ${anchorList()}`,
        },
      ),
    ];
  }
  if (!familyForAnchor(anchor)) {
    return [
      error('LYCHD106', file, START, `no rune family owns runes/${anchor}/, so this file would never be used`, {
        hint: `move the file into one of ${anchorList()}`,
      }),
    ];
  }
  return [];
}

/**
 * Reads and validates one rune file against the schema of the family that owns its folder and the
 * rules over its fields together. The rune is returned whenever the schema accepts it, so that rules
 * across runes still see it; it renders only when no diagnostic is an error.
 */
export function loadRuneFile(
  ref: RuneFileRef,
  defaults?: RuneDefaults,
): { rune?: Rune; source?: TomlSource; diagnostics: LocatedDiagnostic[] } {
  const placement = placementProblems(ref);
  if (placement.length) return { diagnostics: placement };
  const read = readRuneText(path.join(ref.runeRoot, ref.relativePath));
  return 'diagnostic' in read ? { diagnostics: [read.diagnostic] } : checkRuneText(ref, read.text, defaults);
}

/** A rune file's text, read as every reader of the Codex reads it: no link, a size limit, UTF-8. */
export function readRuneText(file: string): { text: string } | { diagnostic: LocatedDiagnostic } {
  const link = linkProblem(file);
  return link ? { diagnostic: link } : readCodexFile(file);
}

/**
 * Validates a rune's text as if it were the file `ref` (for a rune about to be written), on top of
 * the defaults its family inherits from the Prime Scroll (already checked there, at their own lines).
 */
export function checkRuneText(
  ref: RuneFileRef,
  text: string,
  defaults?: RuneDefaults,
): { rune?: Rune; source?: TomlSource; diagnostics: LocatedDiagnostic[] } {
  const placement = placementProblems(ref);
  if (placement.length) return { diagnostics: placement };
  const file = path.join(ref.runeRoot, ref.relativePath);
  const family = familyForAnchor(path.posix.dirname(ref.relativePath))!;
  const parsed = parseTomlSource(file, text);
  if ('diagnostic' in parsed) return { diagnostics: [parsed.diagnostic] };
  const { source } = parsed;
  const result = family.schema.safeParse({ ...inheritedDefaults(defaults, family), ...source.value });
  if (!result.success) {
    const diagnostics = diagnosticsFromIssues(source, family.schema, result.error.issues);
    const runtime = source.value['runtime'];
    const owner = familyForRuntime(runtime);
    for (const d of diagnostics) {
      if (d.field === 'runtime' && owner && owner !== family) {
        d.hint = `a ${String(runtime)} rune belongs in runes/${owner.anchor}/: move the file there`;
      }
    }
    return { diagnostics };
  }
  const origin = { file, relativePath: ref.relativePath, provider: ref.provider };
  const rune = runeOf(family, origin, result.data as Record<string, unknown>);
  return { rune, source, diagnostics: runeRules(rune, source) };
}
