import * as fs from 'node:fs';
import * as path from 'node:path';
import { fieldReference, jsonSchemas, taploConfig } from '../codex/reference';

const SCHEMA_DIR = 'tools/schemas';

/** Every file generated from the schemas, relative to the workspace root. */
export function schemaArtifacts(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, text] of jsonSchemas()) files.set(`${SCHEMA_DIR}/${name}`, text);
  files.set('docs/codex-reference.md', fieldReference());
  files.set('.taplo.toml', taploConfig(SCHEMA_DIR));
  return files;
}

/** `lychd-forge schemas [--check]`: writes (or checks) the JSON Schemas, the Taplo mapping and the field reference. */
export function runSchemas(workspaceRoot: string, check: boolean, out = process.stdout, err = process.stderr): number {
  const stale: string[] = [];
  for (const [rel, text] of schemaArtifacts()) {
    const file = path.join(workspaceRoot, rel);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      stale.push(rel);
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      out.write(`wrote ${rel}\n`);
    }
  }
  if (stale.length) {
    err.write(`out of date with the schemas: ${stale.join(', ')}\nrun: npx lychd-forge schemas\n`);
    return 1;
  }
  out.write(check ? 'schemas, reference and Taplo mapping are up to date.\n' : 'schemas, reference and Taplo mapping written.\n');
  return 0;
}
