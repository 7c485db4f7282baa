import * as fs from 'node:fs';
import * as path from 'node:path';
import { error, START, type LocatedDiagnostic } from './diagnostics';
import { PRIME_SCROLL } from './folders';
import { readCodexFile } from './read-file';
import { primeScroll, type PrimeScroll } from './schemas/prime';
import { diagnosticsFromIssues } from './schema-issues';
import { parseTomlSource, table, type TomlSource } from './toml-source';

/**
 * The one reader of the Prime Scroll: the Codex loader, the synthesis, the image stages and the
 * Nx plugin all take it from here, so `[forge]` and `[extensions]` mean the same to each.
 */
export function loadPrimeScroll(codexDir: string): { prime?: PrimeScroll; source?: TomlSource; diagnostics: LocatedDiagnostic[] } {
  const file = path.join(codexDir, PRIME_SCROLL);
  if (!fs.existsSync(file)) {
    return {
      diagnostics: [
        error('LYCHD100', file, START, `no Prime Scroll: ${PRIME_SCROLL} is missing`, {
          hint: `point --codex at a Codex folder, or create ${PRIME_SCROLL} there (an empty file takes every default)`,
        }),
      ],
    };
  }
  const read = readCodexFile(file);
  if ('diagnostic' in read) return { diagnostics: [read.diagnostic] };
  const parsed = parseTomlSource(file, read.text);
  if ('diagnostic' in parsed) return { diagnostics: [parsed.diagnostic] };
  const result = primeScroll.safeParse(parsed.source.value);
  if (!result.success)
    return { source: parsed.source, diagnostics: diagnosticsFromIssues(parsed.source, primeScroll, result.error.issues) };
  return { prime: result.data, source: parsed.source, diagnostics: [] };
}

type Table = Record<string, unknown>;

/** What the workspace's build reads of the Prime Scroll: where the core is, which extensions take part, how the image is forged. */
export interface ScrollSettings {
  /** Workspace-relative folder of the core Python project (`[forge] core`). */
  core: string;
  /** `[extensions] active`; undefined means every installed extension. */
  active?: string[];
  forge: PrimeScroll['forge'];
  /**
   * `[forge]` and `[extensions]` as written, without the schema's defaults: the Synthesis
   * Manifest digests them, so spelling out a default is an input change like any other.
   */
  written: { forge?: Table; extensions?: Table };
}

export function scrollSettings(prime: PrimeScroll, source: TomlSource): ScrollSettings {
  return {
    core: prime.forge.core,
    active: prime.extensions.active,
    forge: prime.forge,
    written: { forge: table(source.value['forge']), extensions: table(source.value['extensions']) },
  };
}

/** The settings of the Codex in `codexDir`, or the Prime Scroll's problems. */
export function readScrollSettings(
  codexDir: string,
): { settings: ScrollSettings; diagnostics: [] } | { settings?: undefined; diagnostics: LocatedDiagnostic[] } {
  const loaded = loadPrimeScroll(codexDir);
  if (!loaded.prime || !loaded.source) return { diagnostics: loaded.diagnostics };
  return { settings: scrollSettings(loaded.prime, loaded.source), diagnostics: [] };
}
