import { inheritedDefaults, type RuneDefaults } from './schemas/daemon';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readPlainFile, shown } from '../artifacts/tree';
import type { Registry, RendersAs } from '../artifacts/federation-record';
import { error, START, type LocatedDiagnostic, type Position } from './diagnostics';
import { BRANCH_ANCHORS, familyForAnchor, runeOf } from './families';
import type { AnchoredRune, Rune, RuneOrigin } from './model';
import { runeRules } from './rules';
import { linearRegExp } from './linear-regexp';
import { NAME_PATTERN } from './schemas/common';
import { diagnosticsFromIssues } from './schema-issues';
import type { FieldPath, TomlSource } from './toml-source';

/** What the extensions' hooks registered (forge/federation.json), and the workspace it is relative to. */
export interface FederationInput {
  workspaceRoot: string;
  registry: Registry;
}

/** A rune family an extension declared: its anchor folder and the JSON Schema it ships. */
export interface ExtensionAnchor {
  anchor: string;
  extension: string;
  /** Workspace-relative path of the schema. */
  schema: string;
  validate: ValidateFunction;
  /** How its runes become units, when the extension said so. */
  rendersAs?: RendersAs;
  /** Where the extension declared it: workspace-relative file and line. */
  declaredAt: { file: string; line: number };
}

/**
 * An extension's schema file, by the tree walker's rule: a plain file, never a link (its target
 * is named, never read). Its content is never echoed: a parse error says where, not what.
 */
function readSchema(file: string): { schema: unknown } | { problem: string; hint?: string } {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return { problem: 'does not exist' };
  if (stat.isSymbolicLink())
    return {
      problem: `is a symbolic link to ${shown(fs.readlinkSync(file))}; a schema is a plain file, never a link`,
      hint: 'replace the link with the schema itself',
    };
  if (!stat.isFile()) return { problem: 'is not a plain file', hint: 'ship the schema as a plain JSON file' };
  let text: string;
  try {
    text = readPlainFile(file).toString('utf8');
  } catch (e) {
    return { problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'unknown error'})` };
  }
  try {
    return { schema: JSON.parse(text) };
  } catch (e) {
    // V8's message quotes the first bytes of the text: only the position is kept.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    return {
      problem: `is not valid JSON${at === undefined ? '' : ` (at character ${at})`}`,
      hint: 'fix the schema: it must be one JSON object',
    };
  }
}

const fieldName = (p: FieldPath) => p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('') || '(file)';

/** ajv's errors as diagnostics at the key or value they are about. */
export function schemaDiagnostics(source: TomlSource, errors: readonly ErrorObject[]): LocatedDiagnostic[] {
  return errors.map((e) => {
    const at: FieldPath = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      return error('LYCHD103', source.file, source.locateKey([...at, key]), `unknown field "${key}"`, {
        field: fieldName([...at, key]),
        hint: "remove it, or check the family's schema for the right name",
      });
    }
    if (e.keyword === 'required') {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return error('LYCHD104', source.file, source.locate(at), `missing required field "${fieldName([...at, key])}"`, {
        field: fieldName([...at, key]),
        hint: `add ${key} = <value>`,
      });
    }
    return error('LYCHD105', source.file, source.locate(at), `"${fieldName(at)}" ${e.message ?? 'is not valid'}`, { field: fieldName(at) });
  });
}

/** A TomlSource for a value registered from code: every field points at the registering line. */
function registeredSource(file: string, line: number, value: Record<string, unknown>): TomlSource {
  const at: Position = { line, column: 1 };
  return { file, value, locate: () => at, locateKey: () => at };
}

/** The anchors the active extensions declared, each with its schema compiled; every problem at once. */
export function extensionAnchors(
  input: FederationInput,
  active: string[],
): { anchors: ExtensionAnchor[]; diagnostics: LocatedDiagnostic[] } {
  // An extension's patterns run in linear time: a catastrophic one cannot stall validation.
  const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: linearRegExp } });
  const anchors: ExtensionAnchor[] = [];
  const diagnostics: LocatedDiagnostic[] = [];
  for (const extension of active) {
    for (const a of input.registry.extensions[extension]?.anchors ?? []) {
      const where = path.join(input.workspaceRoot, a.file);
      const at = { line: a.line, column: 1 };
      const taken =
        familyForAnchor(a.value.anchor) || (BRANCH_ANCHORS as readonly string[]).includes(a.value.anchor)
          ? 'the Forge'
          : anchors.find((o) => o.anchor === a.value.anchor)?.extension;
      if (taken) {
        diagnostics.push(
          error('LYCHD204', where, at, `extension ${extension} declares anchor runes/${a.value.anchor}/, which ${taken} already owns`, {
            hint: "pick an anchor of its own, e.g. one under the extension's name",
          }),
        );
        continue;
      }
      const schemaFile = path.join(input.workspaceRoot, a.value.schema);
      const read = readSchema(schemaFile);
      if ('problem' in read) {
        diagnostics.push(
          error(
            'LYCHD204',
            where,
            at,
            `extension ${extension}: the schema of runes/${a.value.anchor}/ (${a.value.schema}) ${read.problem}`,
            {
              hint: read.hint ?? `ship a JSON Schema at ${a.value.schema}`,
            },
          ),
        );
        continue;
      }
      const schema = read.schema;
      try {
        anchors.push({
          anchor: a.value.anchor,
          extension,
          schema: a.value.schema,
          validate: ajv.compile(schema as object),
          ...(a.value.rendersAs ? { rendersAs: a.value.rendersAs } : {}),
          declaredAt: { file: a.file, line: a.line },
        });
      } catch (e) {
        diagnostics.push(
          error(
            'LYCHD204',
            schemaFile,
            START,
            `extension ${extension}: the schema of runes/${a.value.anchor}/ is not a valid JSON Schema: ${(e as Error).message}`,
            { hint: 'fix the schema (draft 7 or 2019-09)' },
          ),
        );
      }
    }
  }
  return { anchors, diagnostics };
}

/** A rune file under an extension's anchor, validated against that family's schema. */
export function checkAnchoredRune(
  source: TomlSource,
  anchor: ExtensionAnchor,
  origin: RuneOrigin,
): { rune?: AnchoredRune; diagnostics: LocatedDiagnostic[] } {
  const stem = path.basename(origin.relativePath, '.toml');
  if (!NAME_PATTERN.test(stem)) {
    return {
      diagnostics: [
        error('LYCHD106', source.file, START, `"${stem}" is not a valid rune file name`, {
          hint: `rename it to match ${NAME_PATTERN.source}`,
        }),
      ],
    };
  }
  if (anchor.validate(source.value))
    return {
      rune: { anchor: anchor.anchor, family: anchor.extension, origin, value: source.value, at: source.locate(['name']) },
      diagnostics: [],
    };
  return { diagnostics: schemaDiagnostics(source, anchor.validate.errors ?? []) };
}

/**
 * The runes the active extensions' hooks registered, validated exactly like rune files (the
 * family's schema and rules, or an extension family's JSON Schema), with diagnostics at the
 * extension's file and line that registered them.
 */
export function registeredRunes(
  input: FederationInput,
  active: string[],
  anchors: ExtensionAnchor[],
  defaults?: RuneDefaults,
): { runes: { rune: Rune; source: TomlSource }[]; anchored: AnchoredRune[]; diagnostics: LocatedDiagnostic[] } {
  const runes: { rune: Rune; source: TomlSource }[] = [];
  const anchored: AnchoredRune[] = [];
  const diagnostics: LocatedDiagnostic[] = [];
  for (const provider of active) {
    for (const r of input.registry.extensions[provider]?.runes ?? []) {
      const file = path.join(input.workspaceRoot, r.file);
      const source = registeredSource(file, r.line, r.value.fields);
      const name = typeof r.value.fields['name'] === 'string' ? (r.value.fields['name'] as string) : 'unnamed';
      const origin: RuneOrigin = { file, relativePath: `${r.value.anchor}/${name}`, provider };
      const family = familyForAnchor(r.value.anchor);
      const extensionFamily = anchors.find((a) => a.anchor === r.value.anchor);
      if (extensionFamily) {
        const checked = checkAnchoredRune(source, extensionFamily, { ...origin, relativePath: `${origin.relativePath}.toml` });
        diagnostics.push(...checked.diagnostics.map((d) => ({ ...d, message: `registered rune: ${d.message}` })));
        if (checked.rune) anchored.push({ ...checked.rune, origin });
        continue;
      }
      if (!family) {
        diagnostics.push(
          error(
            'LYCHD202',
            file,
            { line: r.line, column: 1 },
            `extension ${provider} registers a rune under runes/${r.value.anchor}/, which no rune family owns`,
            { hint: 'use the anchor of a rune family, e.g. "animator/soulstones/generic"' },
          ),
        );
        continue;
      }
      const parsed = family.schema.safeParse({ ...inheritedDefaults(defaults, family), ...(r.value.fields as object) });
      if (!parsed.success) {
        diagnostics.push(
          ...diagnosticsFromIssues(source, family.schema, parsed.error.issues).map((d) => ({
            ...d,
            message: `registered rune: ${d.message}`,
          })),
        );
        continue;
      }
      const rune = runeOf(family, origin, parsed.data as Record<string, unknown>);
      diagnostics.push(...runeRules(rune, source));
      runes.push({ rune, source });
    }
  }
  return { runes, anchored, diagnostics };
}

/** A field of an extension's rune as the value of a variable: text as is, a list joined by ",". */
function variableValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * The fields of the built-in rune an extension's rune renders as (its anchor's `renders_as`): the
 * defaults, the rune's name (its `name`, or its file's name) and the variables taken from its fields.
 */
export function renderedFields(rune: Pick<AnchoredRune, 'origin' | 'value'>, rendersAs: RendersAs): Record<string, unknown> {
  const name = typeof rune.value['name'] === 'string' ? rune.value['name'] : path.posix.basename(rune.origin.relativePath, '.toml');
  const env: Record<string, string> = { ...((rendersAs.defaults['env_vars'] as Record<string, string> | undefined) ?? {}) };
  for (const [variable, field] of Object.entries(rendersAs.env)) {
    const value = variableValue(rune.value[field]);
    if (value !== undefined) env[variable] = value;
  }
  return { ...rendersAs.defaults, name, env_vars: env };
}

/** The built-in rune one rune of an extension family renders as; its problems at the rune's file. */
export function renderedRune(
  rune: AnchoredRune,
  anchor: ExtensionAnchor & { rendersAs: RendersAs },
): { rune?: Rune; source: TomlSource; diagnostics: LocatedDiagnostic[] } {
  const family = familyForAnchor(anchor.rendersAs.family)!;
  const fields = renderedFields(rune, anchor.rendersAs);
  const at = rune.at ?? START;
  const source: TomlSource = { file: rune.origin.file, value: fields, locate: () => at, locateKey: () => at };
  const declared = `${anchor.declaredAt.file}:${anchor.declaredAt.line}`;
  const parsed = family.schema.safeParse(fields);
  if (!parsed.success)
    return {
      source,
      diagnostics: diagnosticsFromIssues(source, family.schema, parsed.error.issues).map((d) => ({
        ...d,
        message: `as a rune of runes/${family.anchor}/ (renders_as of extension ${anchor.extension}, ${declared}): ${d.message}`,
        hint: d.hint ?? `fix the rune, or the defaults of renders_as at ${declared}`,
      })),
    };
  const built = runeOf(family, rune.origin, parsed.data as Record<string, unknown>);
  return { rune: built, source, diagnostics: runeRules(built, source) };
}

/** Every rune of the extension families that render as built-in ones, validated as those families' runes. */
export function renderedRunes(
  anchored: AnchoredRune[],
  anchors: ExtensionAnchor[],
): { runes: { rune: Rune; source: TomlSource }[]; diagnostics: LocatedDiagnostic[] } {
  const runes: { rune: Rune; source: TomlSource }[] = [];
  const diagnostics: LocatedDiagnostic[] = [];
  for (const a of anchored) {
    const anchor = anchors.find((x) => x.anchor === a.anchor);
    if (!anchor?.rendersAs) continue;
    const r = renderedRune(a, anchor as ExtensionAnchor & { rendersAs: RendersAs });
    diagnostics.push(...r.diagnostics);
    if (r.rune) runes.push({ rune: r.rune, source: r.source });
  }
  return { runes, diagnostics };
}
