import * as fs from 'node:fs';
import * as path from 'node:path';
import { error, sortDiagnostics, START, hasErrors, type LocatedDiagnostic } from './diagnostics';
import { listRuneFiles } from './files';
import { extensionFolders, extensionLinks, extensionNameProblem, EXTENSION_MANIFEST, isExtensionName } from './extensions';
import { loadRuneFile, readRuneText, type RuneFileRef } from './load-rune';
import { linkProblem } from './read-file';
import type { AnchoredRune, Codex, Rune } from './model';
import {
  checkAnchoredRune,
  extensionAnchors,
  registeredRunes,
  renderedRunes,
  type ExtensionAnchor,
  type FederationInput,
} from './federated';
import type { LocatedRune } from './rule';
import { crossRuneRules } from './rules';
import { vesselNeeds } from './vessel-needs';
import type { PrimeScroll } from './schemas/prime';
import type { RuneDefaults } from './schemas/daemon';
import { loadPrimeScroll } from './prime-scroll';
import { parseTomlSource, type TomlSource } from './toml-source';

export interface LoadOptions {
  /** The Codex root: holds `lychd.toml` and `runes/`. */
  codexDir: string;
  /** Folder of installed extensions (`<name>/runes/...`); none when absent. */
  extensionsDir?: string;
  /** What the extensions' register hooks contributed (forge/federation.json); none when absent. */
  federation?: FederationInput;
}

export interface LoadResult {
  /** Present only when there is no error (warnings allowed). */
  codex?: Codex;
  diagnostics: LocatedDiagnostic[];
}

/** Installed extensions with a valid name (see extensions.ts); the invalid ones are reported by loadCodex. */
export function installedExtensions(extensionsDir: string | undefined): string[] {
  return extensionFolders(extensionsDir).filter(isExtensionName);
}

/**
 * An extension folder whose name is invalid is an error: its runes and dependencies must not be
 * half used. A link in the extensions folder is refused by the Codex's one link rule.
 */
function invalidExtensions(extensionsDir: string | undefined): LocatedDiagnostic[] {
  const links = extensionLinks(extensionsDir).map((name) => linkProblem(path.join(extensionsDir!, name))!);
  return links.concat(
    extensionFolders(extensionsDir).flatMap((name) => {
      const problem = extensionNameProblem(name);
      return problem
        ? [
            error('LYCHD200', path.join(extensionsDir!, name, EXTENSION_MANIFEST), START, problem, {
              hint: `rename the folder, e.g. to "${
                name
                  .toLowerCase()
                  .replace(/[^a-z0-9_-]+/g, '-')
                  .replace(/^[-_]+|[-_]+$/g, '') || 'ext'
              }"`,
            }),
          ]
        : [];
    }),
  );
}

/** Active extensions: the Prime Scroll's list, or every installed one. */
function activeExtensions(
  prime: PrimeScroll,
  source: TomlSource,
  extensionsDir: string | undefined,
): { names: string[]; diagnostics: LocatedDiagnostic[] } {
  const found = installedExtensions(extensionsDir);
  const wanted = prime.extensions.active;
  if (!wanted) return { names: found, diagnostics: [] };
  const diagnostics = wanted.flatMap((name, i) =>
    found.includes(name)
      ? []
      : [
          error('LYCHD111', source.file, source.locate(['extensions', 'active', i]), `extension "${name}" is not installed`, {
            field: `extensions.active[${i}]`,
            hint: found.length
              ? `use an installed one (${found.join(', ')}), or install ${name} first`
              : `no extension is installed in ${extensionsDir ?? '(none)'}: install ${name} there, or remove it from the list`,
          }),
        ],
  );
  return { names: wanted.filter((n) => found.includes(n)).sort(), diagnostics };
}

/** Every rune file of the Codex and of the active extensions, as (rune root, relative path, provider), and what stops a folder being read. */
export function runeFiles(codexDir: string, extensionsDir: string | undefined, extensions: string[]) {
  const roots = [
    { runeRoot: path.join(codexDir, 'runes'), provider: 'codex' },
    ...extensions.map((name) => ({ runeRoot: path.join(extensionsDir!, name, 'runes'), provider: name })),
  ];
  const diagnostics: LocatedDiagnostic[] = [];
  const refs = roots.flatMap(({ runeRoot, provider }) => {
    const listed = listRuneFiles(runeRoot);
    diagnostics.push(...listed.diagnostics);
    return listed.files.map((relativePath) => ({ runeRoot, relativePath, provider }));
  });
  return { refs, diagnostics };
}

function readAnchoredRune(ref: RuneFileRef, family: ExtensionAnchor): { rune?: AnchoredRune; diagnostics: LocatedDiagnostic[] } {
  const file = path.join(ref.runeRoot, ref.relativePath);
  const read = readRuneText(file);
  const parsed = 'diagnostic' in read ? read : parseTomlSource(file, read.text);
  if ('diagnostic' in parsed) return { diagnostics: [parsed.diagnostic] };
  return checkAnchoredRune(parsed.source, family, { file, relativePath: ref.relativePath, provider: ref.provider });
}

/** An extension family's rune is checked against that family's schema, every other one against the Forge's families. */
function readRunes(
  refs: RuneFileRef[],
  anchors: ExtensionAnchor[],
  defaults: RuneDefaults | undefined,
): { located: LocatedRune[]; anchored: AnchoredRune[]; diagnostics: LocatedDiagnostic[] } {
  const located: LocatedRune[] = [];
  const anchored: AnchoredRune[] = [];
  const diagnostics: LocatedDiagnostic[] = [];
  for (const ref of refs) {
    const extensionFamily = anchors.find((a) => a.anchor === path.posix.dirname(ref.relativePath));
    if (extensionFamily) {
      const checked = readAnchoredRune(ref, extensionFamily);
      diagnostics.push(...checked.diagnostics);
      if (checked.rune) anchored.push(checked.rune);
      continue;
    }
    const loaded = loadRuneFile(ref, defaults);
    diagnostics.push(...loaded.diagnostics);
    if (loaded.rune && loaded.source) located.push({ rune: loaded.rune, source: loaded.source });
  }
  return { located, anchored, diagnostics };
}

/** Reads the whole Codex, validates every file and every cross-rune rule, and reports every problem at once. */
export function loadCodex(options: LoadOptions): LoadResult {
  const codexDir = path.resolve(options.codexDir);
  const extensionsDir = options.extensionsDir ? path.resolve(options.extensionsDir) : undefined;
  const diagnostics: LocatedDiagnostic[] = [];
  if (!fs.existsSync(codexDir) || !fs.statSync(codexDir).isDirectory()) {
    return {
      diagnostics: [
        error('LYCHD100', codexDir, START, 'the Codex folder does not exist', {
          hint: 'pass --codex DIR with the folder holding lychd.toml',
        }),
      ],
    };
  }
  const primeLoad = loadPrimeScroll(codexDir);
  diagnostics.push(...primeLoad.diagnostics, ...invalidExtensions(extensionsDir));

  const extensions =
    primeLoad.prime && primeLoad.source
      ? activeExtensions(primeLoad.prime, primeLoad.source, extensionsDir)
      : { names: installedExtensions(extensionsDir), diagnostics: [] };
  diagnostics.push(...extensions.diagnostics);

  const federation = options.federation ? extensionAnchors(options.federation, extensions.names) : { anchors: [], diagnostics: [] };
  diagnostics.push(...federation.diagnostics);
  const listed = runeFiles(codexDir, extensionsDir, extensions.names);
  diagnostics.push(...listed.diagnostics);
  const { located, anchored, diagnostics: read } = readRunes(listed.refs, federation.anchors, primeLoad.prime?.defaults);
  diagnostics.push(...read);
  if (options.federation) {
    const registered = registeredRunes(options.federation, extensions.names, federation.anchors, primeLoad.prime?.defaults);
    diagnostics.push(...registered.diagnostics);
    located.push(...registered.runes);
    anchored.push(...registered.anchored);
  }
  // An extension family that renders as a built-in one: each of its runes is also that family's rune.
  const rendered = renderedRunes(anchored, federation.anchors);
  diagnostics.push(...rendered.diagnostics);
  located.push(...rendered.runes);
  if (primeLoad.prime && primeLoad.source) {
    diagnostics.push(...crossRuneRules({ prime: primeLoad.prime, source: primeLoad.source }, located));
  }
  const vessel = options.federation
    ? vesselNeeds(options.federation.workspaceRoot, options.federation.registry, extensions.names, primeLoad.prime, located)
    : undefined;
  diagnostics.push(...(vessel?.diagnostics ?? []));
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted) || !primeLoad.prime) return { diagnostics: sorted };
  const runes: Rune[] = located
    .map((l) => l.rune)
    .sort((a, b) => (a.config.name < b.config.name ? -1 : a.config.name > b.config.name ? 1 : 0));
  anchored.sort((a, b) => (a.origin.relativePath < b.origin.relativePath ? -1 : a.origin.relativePath > b.origin.relativePath ? 1 : 0));
  const codex: Codex = { root: codexDir, prime: primeLoad.prime, runes, extensions: extensions.names, anchored };
  if (vessel) codex.vessel = vessel.needs;
  return { codex, diagnostics: sorted };
}
