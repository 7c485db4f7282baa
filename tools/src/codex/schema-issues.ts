import type { z } from 'zod';
import { error, type LocatedDiagnostic } from './diagnostics';
import type { FieldPath, TomlSource } from './toml-source';

/** Fields that must never be in a rune, with what to use instead. */
const FORBIDDEN_HINTS: Record<string, string> = {
  api_key: 'keep the key out of the Codex: store it with `podman secret create <name> -` and set api_key_secret = "<name>"',
  password: 'store it as a podman secret and reference the secret by name',
};

const fieldName = (path: FieldPath) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(file)';

const typeName = (v: unknown): string =>
  v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'a table' : `a ${typeof v}`;

const readAt = (root: unknown, path: FieldPath): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), root);

/** Edit distance, to suggest the field a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function allowedKeys(schema: z.ZodType, path: FieldPath): string[] {
  let node: unknown = schema;
  for (const part of path) {
    node = unwrap(node);
    const shape = (node as { shape?: Record<string, unknown> }).shape;
    if (typeof part === 'number' || !shape) return [];
    node = shape[part];
  }
  const shape = (unwrap(node) as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).sort() : [];
}

function unwrap(node: unknown): unknown {
  let n = node as { unwrap?: () => unknown; def?: { innerType?: unknown } } | undefined;
  while (n && (n.def?.innerType || n.unwrap)) n = (n.def?.innerType ?? n.unwrap!()) as typeof n;
  return n;
}

/** Each unknown key, with the field it was probably meant to be or the fields allowed there. */
function unknownFields(source: TomlSource, schema: z.ZodType, path: FieldPath, keys: string[]): LocatedDiagnostic[] {
  const allowed = allowedKeys(schema, path);
  return keys.map((key) => {
    const keyPath = [...path, key];
    const near = allowed.filter((a) => distance(a, key) <= 2);
    const hint =
      FORBIDDEN_HINTS[key] ??
      (near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : `allowed fields: ${allowed.join(', ')}`);
    return error('LYCHD103', source.file, source.locateKey(keyPath), `unknown field "${key}"`, { field: fieldName(keyPath), hint });
  });
}

/** A missing field is reported at its table; a present one of the wrong type at its value. */
function wrongType(source: TomlSource, path: FieldPath, expected: string): LocatedDiagnostic {
  const field = fieldName(path);
  const got = readAt(source.value, path);
  if (got === undefined) {
    return error('LYCHD104', source.file, source.locate(path.slice(0, -1)), `missing required field "${field}"`, {
      field,
      hint: `add ${String(path[path.length - 1])} = <${expected}>`,
    });
  }
  return error(
    'LYCHD105',
    source.file,
    source.locate(path),
    `"${field}" must be ${expected === 'object' ? 'a table' : `a ${expected}`}, not ${typeName(got)}`,
    { field },
  );
}

/** One zod issue as diagnostics at the offending key or value. */
function issueDiagnostics(source: TomlSource, schema: z.ZodType, issue: z.core.$ZodIssue): LocatedDiagnostic[] {
  const path = issue.path as FieldPath;
  const field = fieldName(path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownFields(source, schema, path, issue.keys);
    case 'invalid_type':
      return [wrongType(source, path, issue.expected)];
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? 'is not a valid key';
      return [
        error(
          'LYCHD105',
          source.file,
          source.locateKey(path),
          `key "${String(path[path.length - 1])}" in "${fieldName(path.slice(0, -1))}" ${inner}`,
          {
            field,
          },
        ),
      ];
    }
    case 'invalid_value': {
      const message = issue.message.startsWith('Invalid')
        ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        : issue.message;
      return [
        error('LYCHD105', source.file, source.locate(path), `"${field}" ${message}, not ${JSON.stringify(readAt(source.value, path))}`, {
          field,
        }),
      ];
    }
    default:
      return [error('LYCHD105', source.file, source.locate(path), `"${field}" ${issue.message}`, { field })];
  }
}

/** Turns zod issues into diagnostics that point at the offending key or value in the TOML source. */
export function diagnosticsFromIssues(source: TomlSource, schema: z.ZodType, issues: z.core.$ZodIssue[]): LocatedDiagnostic[] {
  return issues.flatMap((issue) => issueDiagnostics(source, schema, issue));
}
