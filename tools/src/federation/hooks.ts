import * as fs from 'node:fs';
import * as path from 'node:path';
import { causesOf, failure, ForgeError, type Diagnostic } from '../diagnostics';
import type { CodexFolders } from '../codex';
import { discoverComponents, type Component } from '../synthesis/discovery';
import { PYTHON_DIR, PYTHON_FILES } from '../artifacts/paths';
import { abs } from '../shared/workspace-path';
import { parseDebianSpec } from '../artifacts/patterns';
import { readToml, getPath } from '../synthesis/toml';
import { formatBytes, OutputLimitError, requireTool, runProgram, scrubbedEnv } from '../toolchain';
import { hookLauncher, type HookLauncher } from './sandbox';
import { emptyRegistrations, REGISTRY_FILE, registryText } from '../codex/registry';
import type { ExtensionRegistrations, RegisteredVolume, RendersAs, Registry } from '../artifacts/federation-record';
import { FAMILY_ANCHORS, isFamilyAnchor } from '../codex/anchors';
import { ENV_NAME_PATTERN } from '../codex/patterns';
import { deviceProblem, environmentProblem, portProblem, secretProblem, volumeProblem, type ShapeProblem } from '../codex/vessel-needs';
import { writeOutputFile } from '../shared/fsutil';

/** The entry point group extensions declare their hook in (`[project.entry-points."lychd.extensions"]`). */
export const HOOK_GROUP = 'lychd.extensions';
/** A hook that has not returned after this long is reported as hanging. */
export const DEFAULT_HOOK_TIMEOUT_MS = 20_000;
/** The interpreter environment hooks run in: the synthesis lock, synced here (gitignored). */
export const HOOK_VENV = 'tmp/forge-hooks-venv';
/** What one hook may print (its registrations as JSON, its warnings); more stops it. */
export const HOOK_OUTPUT_LIMIT = 4 * 1024 * 1024;

const CAPABILITY = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
const ANCHOR = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/;

export interface HookOptions {
  workspaceRoot: string;
  /** The workspace's Codex and extensions folders; the default ones when omitted. */
  folders?: CodexFolders;
  /** Environment for `uv sync` (index, cache, offline); the hooks themselves get a scrubbed one. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Where a warning goes (running the hooks unsandboxed); stderr when omitted. */
  warn?: (message: string) => void;
}

/** `name = "module:attr"` of an extension's hook, from its pyproject; undefined when it declares none. */
function hookOf(workspaceRoot: string, ext: Component, problems: Diagnostic[]): string | undefined {
  const file = `${ext.dir}/pyproject.toml`;
  const toml = readToml(workspaceRoot, file, []);
  const group = toml ? getPath(toml.data, ['project', 'entry-points', HOOK_GROUP]) : undefined;
  if (group === undefined || group === null || typeof group !== 'object') return undefined;
  const target = (group as Record<string, unknown>)[ext.name];
  if (typeof target !== 'string' || !/^[A-Za-z_][\w.]*(:[A-Za-z_]\w*)?$/.test(target)) {
    problems.push({
      severity: 'error',
      code: 'LYCHD200',
      file,
      field: `project.entry-points."${HOOK_GROUP}".${ext.name}`,
      message: `extension ${ext.name} declares no usable register hook under its own name`,
      hint: `write ${ext.name} = "<module>:register" in [project.entry-points."${HOOK_GROUP}"]`,
    });
    return undefined;
  }
  return target;
}

/** Syncs the synthesis lock's third-party packages into the hook environment; its Python. */
function lockedPython(opts: HookOptions): string {
  const { workspaceRoot } = opts;
  if (!fs.existsSync(abs(workspaceRoot, PYTHON_FILES.lock))) {
    throw failure('LYCHD304', 'the synthesis has no Python lock yet', {
      file: PYTHON_FILES.lock,
      hint: 'run `npx lychd-forge synthesize` (or nx run forge:lock-python) first',
    });
  }
  const uv = requireTool('uv', { workspaceRoot });
  const venv = abs(workspaceRoot, HOOK_VENV);
  const env = { ...(opts.env ?? process.env), UV_PROJECT_ENVIRONMENT: venv, UV_PYTHON_DOWNLOADS: 'never' };
  // --no-install-workspace: the members are put on the path from their folders, so nothing is built.
  const r = runProgram(uv, ['sync', '--frozen', '--no-install-workspace', '--no-progress', '--project', abs(workspaceRoot, PYTHON_DIR)], {
    env,
    cwd: workspaceRoot,
  });
  if (r.status !== 0)
    throw failure('LYCHD801', 'uv could not set up the locked environment for the hooks', {
      file: PYTHON_FILES.lock,
      cause: [r.stderr.trim()],
    });
  return path.join(venv, 'bin', 'python');
}

const sourceDir = (workspaceRoot: string, c: Component) =>
  fs.existsSync(abs(workspaceRoot, `${c.dir}/src`)) ? abs(workspaceRoot, `${c.dir}/src`) : abs(workspaceRoot, c.dir);

type Raw = { records?: unknown; error?: { type?: unknown; message?: unknown; file?: unknown; line?: unknown; function?: unknown } };

/** Checks one hook's output (untrusted) and turns it into registrations, every problem at once. */
export function readRecords(ext: Component, raw: Raw, problems: Diagnostic[]): ExtensionRegistrations {
  const regs = emptyRegistrations();
  const at = (file: unknown, line: unknown) => ({
    file: typeof file === 'string' && file ? `${ext.dir}/${file}` : `${ext.dir}/pyproject.toml`,
    line: typeof line === 'number' && Number.isInteger(line) && line > 0 ? line : undefined,
  });
  if (raw.error) {
    const e = raw.error;
    problems.push({
      severity: 'error',
      code: 'LYCHD201',
      ...at(e.file, e.line),
      message: `extension ${ext.name}: register() raised ${String(e.type)}: ${String(e.message)}`,
      why:
        typeof e.function === 'string' && e.function
          ? `the last frame of the traceback in the extension is ${String(e.function)}()`
          : undefined,
      hint: 'fix the hook; nothing was registered for any extension',
    });
    return regs;
  }
  if (!Array.isArray(raw.records)) {
    problems.push({
      severity: 'error',
      code: 'LYCHD201',
      file: `${ext.dir}/pyproject.toml`,
      message: `extension ${ext.name}: its hook printed no registrations the Forge can read`,
    });
    return regs;
  }
  for (const r of raw.records as HookRecord[]) readRecord(ext, r, at(r.file, r.line), regs, problems);
  return regs;
}

/** An anchor's `renders_as` (codex/federated.ts renders with it): undefined when absent, null when reported. */
function readRendersAs(raw: unknown, bad: (message: string, hint: string) => void): RendersAs | undefined | null {
  if (raw === undefined) return undefined;
  const r = raw as { family?: unknown; defaults?: unknown; env?: unknown } | null;
  const plain = (o: unknown): o is Record<string, unknown> => !!o && typeof o === 'object' && !Array.isArray(o);
  if (!r || typeof r.family !== 'string' || !isFamilyAnchor(r.family)) {
    bad(
      `renders_as names ${JSON.stringify(r?.family)}, which is not a built-in rune family`,
      `use one of ${Object.values(FAMILY_ANCHORS).join(', ')}`,
    );
    return null;
  }
  if (!plain(r.defaults) || !plain(r.env)) {
    bad(
      'renders_as needs defaults and env as dicts',
      'RendersAs(family=..., defaults={<field>: <value>}, env={"<VARIABLE>": "<field of the rune>"})',
    );
    return null;
  }
  const badEnv = Object.entries(r.env).find(
    ([k, f]) => !ENV_NAME_PATTERN.test(k) || typeof f !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(f),
  );
  if (badEnv) {
    bad(
      `renders_as env ${JSON.stringify(badEnv[0])}: ${JSON.stringify(badEnv[1])} does not map a variable name onto a field name`,
      'map each variable (letters, digits, "_") onto the name of a field of the family\'s runes',
    );
    return null;
  }
  return { family: r.family, defaults: r.defaults, env: r.env as Record<string, string> };
}

type Item = { value: unknown; file: string; line: number };

/** The Vessel's needs, by record kind: the shape check (codex/vessel-needs.ts) and where a valid one goes. */
const VESSEL_KINDS: Record<
  string,
  { problem: (v: unknown) => ShapeProblem | undefined; add: (regs: ExtensionRegistrations, i: Item, v: unknown) => void }
> = {
  environment: {
    problem: environmentProblem,
    add: (regs, i, v) => {
      const e = v as { name: string; value: string };
      (regs.environment ??= []).push({ ...i, value: { name: e.name, value: e.value } });
    },
  },
  volume: {
    problem: volumeProblem,
    add: (regs, i, v) => {
      const m = v as RegisteredVolume;
      (regs.volumes ??= []).push({ ...i, value: { source: m.source, target: m.target, readOnly: m.readOnly } });
    },
  },
  device: { problem: deviceProblem, add: (regs, i, v) => (regs.devices ??= []).push({ ...i, value: v as string }) },
  port: { problem: portProblem, add: (regs, i, v) => (regs.ports ??= []).push({ ...i, value: v as number }) },
  secret: {
    problem: secretProblem,
    add: (regs, i, v) => {
      const s = v as { name: string; variable?: string | null };
      (regs.secrets ??= []).push({ ...i, value: s.variable ? { name: s.name, variable: s.variable } : { name: s.name } });
    },
  },
};

type HookRecord = { kind?: unknown; value?: unknown; file?: unknown; line?: unknown };

/** One registration, by its kind: added to the extension's registrations, or reported. */
function readRecord(
  ext: Component,
  r: HookRecord,
  where: { file: string; line?: number },
  regs: ExtensionRegistrations,
  problems: Diagnostic[],
): void {
  const bad = (message: string, hint: string) =>
    problems.push({ severity: 'error', code: 'LYCHD202', ...where, message: `extension ${ext.name}: ${message}`, hint });
  const item = <T>(value: T) => ({ value, file: where.file, line: where.line ?? 1 });
  switch (r.kind) {
    case 'system-dependency':
      if (typeof r.value === 'string' && parseDebianSpec(r.value)) regs.systemDependencies.push(item(r.value));
      else bad(`${JSON.stringify(r.value)} is not a Debian package name`, 'pass a Debian package name, optionally "=version", e.g. "sox"');
      break;
    case 'capability':
      if (typeof r.value === 'string' && CAPABILITY.test(r.value)) regs.capabilities.push(item(r.value));
      else bad(`${JSON.stringify(r.value)} is not a capability name`, 'use dotted lowercase words, e.g. "speech.transcribe"');
      break;
    case 'rune': {
      const v = r.value as { anchor?: unknown; fields?: unknown } | undefined;
      if (
        v &&
        typeof v.anchor === 'string' &&
        ANCHOR.test(v.anchor) &&
        v.fields &&
        typeof v.fields === 'object' &&
        !Array.isArray(v.fields)
      ) {
        regs.runes.push(item({ anchor: v.anchor, fields: v.fields as Record<string, unknown> }));
      } else
        bad(
          'add_rune needs RuneDefinition(anchor="<family folder>", fields={...})',
          'give the anchor of a rune family, e.g. "animator/soulstones/generic", and the rune\'s fields as a dict',
        );
      break;
    }
    case 'anchor': {
      const v = r.value as { anchor?: unknown; schema?: unknown } | undefined;
      const schema = typeof v?.schema === 'string' ? `${ext.dir}/${v.schema}` : undefined;
      if (!v || typeof v.anchor !== 'string' || !ANCHOR.test(v.anchor))
        bad(
          `${JSON.stringify(v?.anchor)} is not an anchor folder`,
          'use lowercase path parts separated by "/", e.g. "scriptorium/codices"',
        );
      else if (!schema || schema.split('/').includes('..') || !schema.endsWith('.schema.json')) {
        bad(
          'add_anchor needs the path of a JSON Schema file inside the extension, named *.schema.json',
          'ship the schema in the extension and pass its path relative to the extension folder',
        );
      } else {
        const rendersAs = readRendersAs((v as { rendersAs?: unknown }).rendersAs, bad);
        if (rendersAs !== null) regs.anchors.push(item({ anchor: v.anchor, schema, ...(rendersAs ? { rendersAs } : {}) }));
      }
      break;
    }
    case 'environment':
    case 'volume':
    case 'device':
    case 'port':
    case 'secret': {
      const need = VESSEL_KINDS[r.kind]!;
      const problem = need.problem(r.value);
      if (problem) bad(problem.message, problem.hint);
      else need.add(regs, item(r.value), r.value);
      break;
    }
    default:
      bad(
        `unknown registration ${JSON.stringify(r.kind)}`,
        'use add_system_dependency, add_capability, add_rune, add_anchor, add_environment, add_volume, add_device, add_port or add_secret',
      );
  }
}

/**
 * Runs every active extension's `register(context)` hook, each in its own sandbox (sandbox.ts)
 * with the locked Python environment, a scrubbed environment, a time and an output limit, and returns what they
 * registered. Any problem of any hook stops it all: a ForgeError naming the extension and the
 * line of its code.
 */
export function runHooks(opts: HookOptions): Registry {
  const { workspaceRoot } = opts;
  const components = discoverComponents(workspaceRoot, opts.folders);
  const problems: Diagnostic[] = [];
  const hooks = components.extensions.map((ext) => ({ ext, hook: hookOf(workspaceRoot, ext, problems) }));
  const registry: Registry = { formatVersion: 1, extensions: {} };
  const python = hooks.some((h) => h.hook) ? lockedPython(opts) : undefined;
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const launcher = python ? hookLauncher({ workspaceRoot, python, env: opts.env }, warn) : undefined;
  for (const { ext, hook } of hooks) {
    if (!hook || !python || !launcher) continue;
    const raw = runHook(opts, { python, launcher, core: components.core, ext, hook }, problems);
    if (raw) registry.extensions[ext.name] = readRecords(ext, raw, problems);
  }
  if (problems.length) throw new ForgeError(problems, `The extensions' register hooks failed; ${REGISTRY_FILE} was not changed:`);
  return registry;
}

/** One extension's hook in its own process: what it printed, or undefined with the problem reported. */
function runHook(
  opts: HookOptions,
  run: { python: string; launcher: HookLauncher; core: Component; ext: Component; hook: string },
  problems: Diagnostic[],
): Raw | undefined {
  const { workspaceRoot } = opts;
  const { ext } = run;
  const pythonPath = [sourceDir(workspaceRoot, run.core), sourceDir(workspaceRoot, ext)].join(path.delimiter);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const cwd = abs(workspaceRoot, ext.dir);
  const command = run.launcher.command(run.python, ['-m', 'lychd_core.federation', ext.name, run.hook, cwd], cwd);
  // In the sandbox, home and the temporary folder are its private /tmp.
  const scratch = run.launcher.sandboxed ? { HOME: '/tmp', TMPDIR: '/tmp' } : {};
  let out;
  try {
    out = runProgram(command.file, command.args, {
      cwd,
      env: scrubbedEnv({ PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0', ...scratch }),
      timeoutMs,
      maxOutputBytes: HOOK_OUTPUT_LIMIT,
    });
  } catch (e) {
    if (e instanceof OutputLimitError) {
      problems.push({
        severity: 'error',
        code: 'LYCHD201',
        file: `${ext.dir}/pyproject.toml`,
        message: `extension ${ext.name}: register() printed more than ${formatBytes(e.limitBytes)} and was stopped`,
        hint: 'a hook reports through its context; it must not print (the limit is per stream)',
      });
      return undefined;
    }
    // runProgram throws when the process had to be killed: the hook hung (or crashed the interpreter).
    problems.push({
      severity: 'error',
      code: 'LYCHD201',
      file: `${ext.dir}/pyproject.toml`,
      ...(/ETIMEDOUT|SIGTERM/.test(causesOf(e).join('\n'))
        ? { message: `extension ${ext.name}: register() did not return within ${timeoutMs / 1000} s and was stopped` }
        : { message: `extension ${ext.name}: register() could not be run`, cause: causesOf(e) }),
      hint: 'a hook only declares what the extension needs: it must not wait, loop or reach the network',
    });
    return undefined;
  }
  try {
    return JSON.parse(out.stdout) as Raw;
  } catch {
    problems.push({
      severity: 'error',
      code: 'LYCHD201',
      file: `${ext.dir}/pyproject.toml`,
      message: `extension ${ext.name}: its hook did not run to the end (exit ${out.status})${out.stderr.trim() ? `:\n${out.stderr.trim().split('\n').slice(-3).join('\n')}` : ''}`,
      hint: 'a hook must return; printing to stdout is not allowed either',
    });
    return undefined;
  }
}

/** Runs the hooks and writes the registry file; returns its text. */
export function federate(opts: HookOptions): { registry: Registry; text: string } {
  const registry = runHooks(opts);
  const text = registryText(registry);
  const file = abs(opts.workspaceRoot, REGISTRY_FILE);
  writeOutputFile(file, text);
  return { registry, text };
}
