import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEBIAN_LOCK_FILE, MANIFEST_FILE } from '../../tools/src/artifacts/paths';
import { forgeAsync } from './run';
import type { WorkspaceCopy } from './workspace';

/**
 * Takes every system package out of a workspace copy: each pyproject's `system-dependencies` and
 * each hook's `context.add_system_dependency(...)` line, then federates, empties the Debian lock's
 * packages (its base stays as locked: nothing is resolved against the archive again), synthesizes
 * and renders the Containerfile again. Returns the new Synthesis Manifest's text.
 */
export async function withoutSystemPackages(ws: WorkspaceCopy): Promise<string> {
  for (const ext of fs.readdirSync(path.join(ws.root, 'extensions'))) {
    const dir = path.join('extensions', ext);
    for (const rel of fs.readdirSync(path.join(ws.root, dir), { recursive: true, encoding: 'utf8' })) {
      const file = path.join(dir, rel);
      if (rel.endsWith('pyproject.toml'))
        ws.write(file, ws.read(file).replace(/^system-dependencies = \[.*\]$/m, 'system-dependencies = []'));
      if (rel.endsWith('.py')) ws.write(file, ws.read(file).replace(/^ *context\.add_system_dependency\(.*\)\n/gm, ''));
    }
  }
  const step = async (args: string[]) => {
    const r = await forgeAsync(args, { cwd: ws.root });
    if (r.status !== 0) throw new Error(`lychd-forge ${args.join(' ')} failed (exit ${r.status}) in ${ws.root}:\n${r.stdout}${r.stderr}`);
  };
  await step(['federate']);
  const lock = JSON.parse(ws.read(DEBIAN_LOCK_FILE)) as object;
  ws.write(DEBIAN_LOCK_FILE, `${JSON.stringify({ ...lock, packages: [], requested: [] }, null, 2)}\n`);
  await step(['synthesize']);
  await step(['containerfile']);
  const manifest = ws.read(MANIFEST_FILE);
  const left = (JSON.parse(manifest) as { system: { spec: string }[] }).system.map((p) => p.spec);
  if (left.length > 0)
    throw new Error(`system packages left in ${ws.root}/${MANIFEST_FILE}: ${left.join(', ')} (the edits above are out of date)`);
  return manifest;
}
