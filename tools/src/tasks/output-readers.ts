import { z } from 'zod';
import type { SoulstoneRoster } from '../scribe';
import type { RuneDefaults } from '../codex/schemas/daemon';
import type { CodexFacts } from './facts';
import { readArtifact, type ArtifactKind, type ReadOptions } from '../artifacts/read';
import { componentName, text } from '../artifacts/schema-parts';

/**
 * The files `codex:context` writes for the tasks after it (dist/forge/context), and the rune
 * folders' units (dist/forge/runes): task outputs Nx restores from its cache. No formatVersion:
 * a new Forge is a new hash of every task, so an older file is never read by a newer one; these
 * check the shape the tasks walk, and the Codex values inside it were checked when it was written.
 */
const REGENERATE = 'run `npx nx run codex:context --skip-nx-cache`';

const rune = z.looseObject({
  kind: z.enum(['soulstone', 'portal']),
  family: text,
  origin: z.looseObject({ relativePath: z.string(), provider: z.string() }),
  config: z.record(z.string(), z.unknown()),
});

export const codexFactsSchema = z.looseObject({
  codexDir: z.string(),
  prime: z.looseObject({}),
  extensions: z.array(componentName),
  runes: z.array(rune),
  vessel: z.looseObject({}).optional(),
});

const codexFactsKind: ArtifactKind<CodexFacts> = {
  title: "the Codex's facts",
  formatVersion: undefined,
  schema: codexFactsSchema.transform((f) => f as unknown as CodexFacts),
  regenerate: REGENERATE,
};

/** A facts file of `codex:context` (`secrets.json`, `pod.json`, …), checked. */
export function readCodexFacts(file: string, options?: ReadOptions): CodexFacts {
  return readArtifact(codexFactsKind, file, options).value;
}

/** What every rune's unit is rendered with: the soulstone roster, the active extensions and the Prime Scroll's defaults. */
export type RuneFacts = SoulstoneRoster & { extensions?: string[]; defaults?: RuneDefaults };

export const runeFactsSchema = z.looseObject({
  podmanVersion: text,
  defaultCoven: text.nullable(),
  soulstones: z.array(z.looseObject({ unit: text, groups: z.array(text) })),
  extensions: z.array(componentName).optional(),
  defaults: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

const runeFactsKind: ArtifactKind<RuneFacts> = {
  title: "the rune folders' facts",
  formatVersion: undefined,
  schema: runeFactsSchema.transform((c) => c as RuneFacts),
  regenerate: REGENERATE,
};

/** `scribe-context.json`, checked. */
export function readRuneFacts(file: string, options?: ReadOptions): RuneFacts {
  return readArtifact(runeFactsKind, file, options).value;
}

/** A rune folder's units: unit file name → text. */
export const runeUnitsSchema = z.record(text, z.string());

const runeUnitsKind: ArtifactKind<Record<string, string>> = {
  title: "a rune folder's units",
  formatVersion: undefined,
  schema: runeUnitsSchema,
  regenerate: "run the rune folder's `scribe` target again (`npx nx run <project>:scribe --skip-nx-cache`)",
};

/** `dist/forge/runes/<project>.json`, checked. */
export function readRuneUnits(file: string, options?: ReadOptions): Record<string, string> {
  return readArtifact(runeUnitsKind, file, options).value;
}
