import * as fs from 'node:fs';
import type { SynthesisProblem } from './problems';
import { abs } from '../shared/workspace-path';
import { describe, type Component, type PythonComponent } from './discovery';
import { table } from '../codex/toml-source';
import { getPath, readToml, locate, type TomlFile } from './toml';
import { mergeRegistrations } from './registered';

const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const CAPABILITY = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** PEP 503 normalization: how uv and PyPI compare project names. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function pyprojectPath(c: Component): string {
  return `${c.dir}/pyproject.toml`;
}

export function readPythonComponents(workspaceRoot: string, components: Component[], problems: SynthesisProblem[]): PythonComponent[] {
  const out: PythonComponent[] = [];
  const byName = new Map<string, PythonComponent>();
  for (const component of components) {
    const file = pyprojectPath(component);
    if (!fs.existsSync(abs(workspaceRoot, file))) {
      problems.push({
        code: 'LYCHD300',
        file,
        field: '(file)',
        message: `is missing: ${describe(component)} must be a Python project`,
        fix: `add ${file} with a [project] table (name, version, dependencies)`,
      });
      continue;
    }
    const toml = readToml(workspaceRoot, file, problems);
    if (!toml) continue;
    const py = parseComponent(component, toml, problems);
    if (!py) continue;
    const key = normalizeName(py.projectName);
    const clash = byName.get(key);
    if (clash)
      problems.push({
        code: 'LYCHD300',
        file,
        line: locate(toml.text, 'project', 'name'),
        field: 'project.name',
        message: `"${py.projectName}" is also the name of ${describe(clash.component)} (${clash.file})`,
        fix: 'give every extension a distinct Python project name',
      });
    byName.set(key, py);
    out.push(py);
  }
  mergeRegistrations(workspaceRoot, out, problems);
  return out;
}

function parseComponent(component: Component, toml: TomlFile, problems: SynthesisProblem[]): PythonComponent | undefined {
  const projectName = projectNameOf(toml, problems);
  if (projectName === undefined) return undefined;
  runsNoOwnCode(component, toml, problems);
  const lychd = table(getPath(toml.data, ['tool', 'lychd'])) ?? {};
  const systemDependencies = systemDependenciesOf(component, toml, lychd['system-dependencies'] ?? [], problems);
  const capabilities = capabilitiesOf(component, toml, lychd['capabilities'] ?? [], problems);
  return { component, file: toml.file, toml, projectName, systemDependencies, capabilities };
}

/** `[project] name`: present and a valid Python project name. */
function projectNameOf({ file, text, data }: TomlFile, problems: SynthesisProblem[]): string | undefined {
  const project = table(data['project']);
  if (!project) {
    problems.push({
      code: 'LYCHD300',
      file,
      field: 'project',
      message: 'has no [project] table',
      fix: 'add [project] with name, version, requires-python and dependencies',
    });
    return undefined;
  }
  const name = project['name'];
  if (typeof name === 'string' && PROJECT_NAME.test(name)) return name;
  problems.push({
    code: 'LYCHD300',
    file,
    line: locate(text, 'project', 'name'),
    field: 'project.name',
    message: `must be a valid Python project name, got ${JSON.stringify(name)}`,
    fix: 'use letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  });
  return undefined;
}

/**
 * uv reads static metadata from the file; anything else makes it import the project's build
 * backend, i.e. run the extension's own code, while locking.
 */
function runsNoOwnCode(component: Component, { file, text, data }: TomlFile, problems: SynthesisProblem[]): void {
  const dynamic = getPath(data, ['project', 'dynamic']);
  if (dynamic !== undefined && !(Array.isArray(dynamic) && dynamic.length === 0))
    problems.push({
      code: 'LYCHD300',
      file,
      line: locate(text, 'project', 'dynamic'),
      field: 'project.dynamic',
      message: `declares dynamic metadata (${JSON.stringify(dynamic)}): locking would run the build backend of ${describe(component)}`,
      fix: 'write every [project] field (version, dependencies, …) statically and remove "dynamic"',
    });
  if (getPath(data, ['build-system', 'backend-path']) !== undefined)
    problems.push({
      code: 'LYCHD300',
      file,
      line: locate(text, 'build-system', 'backend-path'),
      field: 'build-system.backend-path',
      message: `points at an in-tree build backend: ${describe(component)} would run its own code when it is built`,
      fix: 'use a published build backend (e.g. build-backend = "hatchling.build" with requires = ["hatchling"]) and remove backend-path',
    });
}

/** `[tool.lychd] system-dependencies`: an array; its items are checked when the lists are merged (system.ts). */
function systemDependenciesOf(component: Component, { file, text }: TomlFile, value: unknown, problems: SynthesisProblem[]): unknown[] {
  if (Array.isArray(value)) return value;
  problems.push({
    code: 'LYCHD302',
    file,
    line: locate(text, 'tool.lychd', 'system-dependencies'),
    field: 'tool.lychd.system-dependencies',
    message: `must be an array of Debian package names (${describe(component)})`,
    fix: 'write e.g. system-dependencies = ["ffmpeg"]',
  });
  return [];
}

/** `[tool.lychd] capabilities`: an array of dotted lowercase names, sorted, each once. */
function capabilitiesOf(component: Component, { file, text }: TomlFile, value: unknown, problems: SynthesisProblem[]): string[] {
  if (!Array.isArray(value)) {
    problems.push({
      code: 'LYCHD300',
      file,
      line: locate(text, 'tool.lychd', 'capabilities'),
      field: 'tool.lychd.capabilities',
      message: `must be an array of capability names (${describe(component)})`,
      fix: 'write e.g. capabilities = ["speech.transcribe"]',
    });
    return [];
  }
  const capabilities: string[] = [];
  value.forEach((cap: unknown, i) => {
    if (typeof cap === 'string' && CAPABILITY.test(cap)) capabilities.push(cap);
    else
      problems.push({
        code: 'LYCHD300',
        file,
        line: locate(text, 'tool.lychd', 'capabilities', typeof cap === 'string' ? cap : undefined),
        field: `tool.lychd.capabilities[${i}]`,
        message: `${JSON.stringify(cap)} is not a capability name (${describe(component)})`,
        fix: 'use lowercase dotted words, e.g. "speech.transcribe"',
      });
  });
  return [...new Set(capabilities)].sort();
}
