import { accessSync, constants, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { forgeCacheDir } from '../shared/forge-cache';
import { fileIdentity } from '../shared/fsutil';
import { failure } from '../diagnostics';
import { MissingToolError } from './missing-tool';
import { runProgram } from './run';
import { type ToolName, toolEnvVar } from './tool-names';
import { findWorkspaceRoot } from './workspace-root';

export { MissingToolError } from './missing-tool';
export { TOOL_NAMES, type ToolName, toolEnvVar } from './tool-names';

export interface ToolOptions {
  /** Workspace whose `.tools/bin` is searched; found from the current directory by default. */
  workspaceRoot?: string;
  /** Environment for overrides and PATH; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

// Places distributions install tools outside PATH.
const KNOWN_LOCATIONS: Partial<Record<ToolName, readonly string[]>> = {
  quadlet: ['/usr/libexec/podman/quadlet', '/usr/lib/podman/quadlet'],
  nix: ['/nix/var/nix/profiles/default/bin/nix', join(homedir(), '.nix-profile/bin/nix')],
};

// Each tool's own flag for printing its version.
const VERSION_ARGS: Record<ToolName, readonly string[]> = {
  uv: ['--version'],
  quadlet: ['-version'],
  'systemd-analyze': ['--version'],
  buildah: ['--version'],
  podman: ['--version'],
  npm: ['--version'],
  nix: ['--version'],
  skopeo: ['--version'],
  systemctl: ['--version'],
  'qemu-system-x86_64': ['--version'],
  'qemu-img': ['--version'],
  mmdebstrap: ['--version'],
};

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function searchPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = resolve(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

interface Lookup {
  path: string | undefined;
  searched: string[];
  detail?: string;
}

function lookup(name: ToolName, opts: ToolOptions): Lookup {
  const env = opts.env ?? process.env;
  const envVar = toolEnvVar(name);
  const override = env[envVar];
  if (override) {
    // An explicit override is final: silently falling back would hide a typo.
    const path = isAbsolute(override) || override.includes('/') ? resolve(override) : searchPath(override, env);
    if (path && isExecutableFile(path)) return { path, searched: [`${envVar}=${override}`] };
    return { path: undefined, searched: [`${envVar}=${override}`], detail: `${envVar} is not an executable file` };
  }
  const root = opts.workspaceRoot ?? findWorkspaceRoot();
  const local = join(root, '.tools', 'bin', name);
  const candidates = [local, ...(KNOWN_LOCATIONS[name] ?? [])];
  const searched = [`${envVar} (unset)`, ...candidates, 'PATH'];
  for (const candidate of candidates) {
    if (isExecutableFile(candidate)) return { path: candidate, searched };
  }
  return { path: searchPath(name, env), searched };
}

/**
 * Absolute path of a tool, or undefined. Order: `LYCHD_<NAME>` override,
 * `<workspace>/.tools/bin/<name>`, known distribution locations, PATH.
 * An override that names no executable file is a MissingToolError, never "not installed":
 * the user asked for that file.
 */
export function resolveTool(name: ToolName, opts: ToolOptions = {}): string | undefined {
  const found = lookup(name, opts);
  if (found.detail) throw new MissingToolError(name, toolEnvVar(name), found.searched, found.detail);
  return found.path;
}

/** Like resolveTool, but a missing tool is a MissingToolError saying how to install it. */
export function requireTool(name: ToolName, opts: ToolOptions = {}): string {
  const found = lookup(name, opts);
  if (found.path) return found.path;
  throw new MissingToolError(name, toolEnvVar(name), found.searched, found.detail);
}

/**
 * The version number in a tool's version banner: `uv 0.13.9 (…)` → `0.13.9`,
 * `buildah version 1.28.2 (…)` → `1.28.2`, `systemd 252 (252.38-1~deb12u1)` → `252`.
 */
export function parseVersion(output: string): string | undefined {
  const first = output.split('\n').find((l) => l.trim().length > 0) ?? '';
  return /(?:^|[\s(v])(\d+(?:\.\d+)*(?:[-+~][0-9A-Za-z.+~-]*)?)(?=$|[\s),])/.exec(first)?.[1];
}

// Starts the tool to read its version.
function askVersion(name: ToolName, path: string, opts: ToolOptions): string {
  const r = runProgram(path, VERSION_ARGS[name], { env: opts.env ?? process.env, timeoutMs: 30_000 });
  const version = r.status === 0 ? parseVersion(r.stdout || r.stderr) : undefined;
  if (!version) {
    throw failure('LYCHD801', `cannot read the version of ${name} (${path})`, {
      cause: [`exit ${r.status}, output ${JSON.stringify(r.stdout + r.stderr)}`],
    });
  }
  return version;
}

/**
 * The installed version of a tool; throws MissingToolError when it is absent. The Nx runtime inputs
 * (`tools/bin/tool-version.js`), the base's cache key and the records all read it, so a hash and a
 * record can never disagree.
 *
 * It is remembered by the file it was read from (its real path, inode, size and times): every Nx
 * command hashes the versions of the tools its tasks record, and the image's tasks key their
 * caches on them; starting the tool each time (Perl, for mmdebstrap: 0.17 s) cost more than the
 * rest of a no-op run's hashing. A tool replaced in place (a package upgrade, `setup`) is a new
 * file and is asked again. The Nix wrapper is always asked: the evaluator it runs lives in a root the
 * wrapper file does not change with.
 */
export function toolVersion(name: ToolName, opts: ToolOptions = {}): string {
  return rememberedVersion(name, requireTool(name, opts), opts);
}

/** The same, undefined when the tool is not installed. */
export function installedToolVersion(name: ToolName, opts: ToolOptions = {}): string | undefined {
  const bin = resolveTool(name, opts);
  return bin === undefined ? undefined : rememberedVersion(name, bin, opts);
}

function rememberedVersion(name: ToolName, bin: string, opts: ToolOptions): string {
  if (name === 'nix') return askVersion(name, bin, opts);
  const real = realpathSync(bin);
  const key = `${real}:${fileIdentity(real)}`;
  const file = join(forgeCacheDir(opts.env ?? process.env), 'tool-versions', `${name}.json`);
  try {
    const known = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; version?: unknown };
    if (known.key === key && typeof known.version === 'string') return known.version;
  } catch {
    // not remembered yet, or unreadable: ask the tool
  }
  const version = askVersion(name, bin, opts);
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ key, version }));
    renameSync(tmp, file);
  } catch {
    // a read-only cache only costs the next run the same question
  }
  return version;
}
