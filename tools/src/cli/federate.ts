import { REGISTRY_FILE } from '../codex/registry';
import type { Registry } from '../artifacts/federation-record';
import { federate, FEDERATION_SOURCES_FILE, writeFederationSources } from '../federation';
import { readScrollSettings } from '../codex/prime-scroll';
import type { Outcome } from '../report';
import { codexFoldersOfPaths, type CommonPaths } from './paths';

/** One line per registered item, as the Forge reads it: extension, kind, value, and where. */
export function describeRegistry(registry: Registry): string[] {
  const out: string[] = [];
  for (const [name, r] of Object.entries(registry.extensions)) {
    for (const d of r.systemDependencies) out.push(`${name}: system dependency ${d.value} (${d.file}:${d.line})`);
    for (const c of r.capabilities) out.push(`${name}: capability ${c.value} (${c.file}:${c.line})`);
    for (const x of r.runes)
      out.push(`${name}: rune ${String(x.value.fields['name'] ?? '?')} in runes/${x.value.anchor}/ (${x.file}:${x.line})`);
    for (const a of r.anchors)
      out.push(
        `${name}: anchor runes/${a.value.anchor}/ with schema ${a.value.schema}${a.value.rendersAs ? `, rendered as runes/${a.value.rendersAs.family}/` : ''} (${a.file}:${a.line})`,
      );
    const at = (i: { file: string; line: number }) => `(${i.file}:${i.line})`;
    for (const e of r.environment ?? []) out.push(`${name}: Vessel variable ${e.value.name} ${at(e)}`);
    for (const v of r.volumes ?? [])
      out.push(`${name}: Vessel volume ${v.value.source} at ${v.value.target} (${v.value.readOnly ? 'read-only' : 'read-write'}) ${at(v)}`);
    for (const d of r.devices ?? []) out.push(`${name}: Vessel device ${d.value} ${at(d)}`);
    for (const p of r.ports ?? []) out.push(`${name}: Vessel port ${p.value} ${at(p)}`);
    for (const s of r.secrets ?? [])
      out.push(`${name}: Vessel secret ${s.value.name}${s.value.variable ? ` in ${s.value.variable}` : ''} ${at(s)}`);
  }
  return out;
}

/** `lychd-forge federate`: runs the active extensions' register hooks and writes forge/federation.json. */
export function runFederate(paths: CommonPaths): Outcome {
  const folders = codexFoldersOfPaths(paths);
  const { registry } = federate({ workspaceRoot: paths.workspaceRoot, folders });
  writeFederationSources(paths.workspaceRoot, folders, readScrollSettings(paths.codexDir).settings?.core ?? 'core');
  return { ok: true, lines: describeRegistry(registry), summary: `wrote ${REGISTRY_FILE} and ${FEDERATION_SOURCES_FILE}` };
}
