import * as fs from 'node:fs';
import * as path from 'node:path';
import { fieldReference, jsonSchemas, taploConfig, type ExtensionFamilyDoc } from '../codex/reference';
import { workspaceCodexFolders } from '../nx/plugin-layout';
import { readRegistry } from '../codex/registry';
import { errorReference } from '../diagnostics';
import { writeOutputFile } from '../shared/fsutil';
import type { Outcome } from '../report';

const SCHEMA_DIR = 'tools/schemas';

/** The rune families the workspace's extensions declared (forge/federation.json), sorted by anchor. */
function extensionFamilies(workspaceRoot: string): ExtensionFamilyDoc[] {
  const registry = readRegistry(workspaceRoot);
  return Object.entries(registry.extensions)
    .flatMap(([extension, r]) => r.anchors.map((a) => ({ anchor: a.value.anchor, extension, schemaPath: a.value.schema })))
    .filter((f) => fs.existsSync(path.join(workspaceRoot, f.schemaPath)))
    .map((f) => ({
      ...f,
      schema: JSON.parse(fs.readFileSync(path.join(workspaceRoot, f.schemaPath), 'utf8')) as ExtensionFamilyDoc['schema'],
    }))
    .sort((a, b) => (a.anchor < b.anchor ? -1 : a.anchor > b.anchor ? 1 : 0));
}

/** Every file generated from the schemas, relative to the workspace root. */
export function schemaArtifacts(workspaceRoot: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, text] of jsonSchemas()) files.set(`${SCHEMA_DIR}/${name}`, text);
  const families = extensionFamilies(workspaceRoot);
  files.set('docs/codex-reference.md', fieldReference(families));
  files.set('docs/errors.md', errorReference());
  files.set('.taplo.toml', taploConfig(SCHEMA_DIR, families, workspaceCodexFolders(workspaceRoot)));
  return files;
}

/** `lychd-forge schemas [--check]`: writes (or checks) the JSON Schemas, the Taplo mapping, the field reference and the error codes. */
export function runSchemas(workspaceRoot: string, check: boolean): Outcome {
  const stale: string[] = [];
  const written: string[] = [];
  for (const [rel, text] of schemaArtifacts(workspaceRoot)) {
    const file = path.join(workspaceRoot, rel);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      stale.push(rel);
    } else {
      writeOutputFile(file, text);
      written.push(`wrote ${rel}`);
    }
  }
  if (stale.length) return { ok: false, summary: `out of date with the schemas: ${stale.join(', ')}\nrun: npx lychd-forge schemas` };
  return {
    ok: true,
    lines: written,
    summary: check ? 'schemas, reference and Taplo mapping are up to date.' : 'schemas, reference and Taplo mapping written.',
  };
}
