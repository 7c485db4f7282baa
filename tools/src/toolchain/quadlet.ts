import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { classifyGeneratorStderr, parseDryRunServices } from './quadlet-output';
import { listQuadletSources, listSystemdUnits } from './quadlet-sources';
import { lines, runProgram } from './run';
import { withTempDir } from './temp-dir';
import { requireTool, type ToolOptions } from './tools';

export interface DryRunResult {
  /** Exit 0 and nothing on stderr but progress lines (check Q01). */
  ok: boolean;
  status: number;
  /** Generated unit text by service name (`lychd-pod.service`). */
  services: Map<string, string>;
  warnings: string[];
  errors: string[];
}

export interface GenerateResult {
  /** Exit 0 and no warnings or errors. */
  ok: boolean;
  status: number;
  /** Names of the `.service` files written to outDir, sorted. */
  services: string[];
  warnings: string[];
  errors: string[];
}

export interface VerifyResult {
  /** Generation succeeded and systemd-analyze exited 0 with empty stderr (docs/scribe.md, "Tests"). */
  ok: boolean;
  /** systemd-analyze's exit status, or undefined when it did not run. */
  status: number | undefined;
  /** systemd-analyze's stderr lines, unit paths shown as bare file names; or why it did not run. */
  stderr: string[];
  generation: GenerateResult;
}

export interface CountCheckResult {
  /** One generated service per source file: no silent collisions or skipped files (docs/scribe.md, "Tests"). */
  ok: boolean;
  sources: string[];
  services: string[];
}

function quadletEnv(unitDir: string, opts: ToolOptions): NodeJS.ProcessEnv {
  // QUADLET_UNIT_DIRS replaces the user's real unit dirs, so only unitDir is read.
  return { ...(opts.env ?? process.env), QUADLET_UNIT_DIRS: resolve(unitDir) };
}

/** `QUADLET_UNIT_DIRS=<unitDir> quadlet -dryrun -user`: what would be generated, and the generator's complaints. */
export function dryRunQuadlets(unitDir: string, opts: ToolOptions = {}): DryRunResult {
  const quadlet = requireTool('quadlet', opts);
  const r = runProgram(quadlet, ['-dryrun', '-user'], { env: quadletEnv(unitDir, opts) });
  const { warnings, errors } = classifyGeneratorStderr(r.stderr);
  return {
    ok: r.status === 0 && warnings.length === 0 && errors.length === 0,
    status: r.status,
    services: parseDryRunServices(r.stdout),
    warnings,
    errors,
  };
}

function serviceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.service'))
    .map((e) => e.name)
    .sort();
}

/** `quadlet -user -no-kmsg-log <outDir>`: writes the real `.service` files (and `*.wants/` links). */
export function generateUnits(unitDir: string, outDir: string, opts: ToolOptions = {}): GenerateResult {
  const quadlet = requireTool('quadlet', opts);
  mkdirSync(outDir, { recursive: true });
  const r = runProgram(quadlet, ['-user', '-no-kmsg-log', resolve(outDir)], { env: quadletEnv(unitDir, opts) });
  const { warnings, errors } = classifyGeneratorStderr(r.stderr);
  return {
    ok: r.status === 0 && warnings.length === 0 && errors.length === 0,
    status: r.status,
    services: serviceFiles(outDir),
    warnings,
    errors,
  };
}

// The units would fail verify only because podman is absent; any executable
// stands in, so systemd judges the unit structure alone.
function stubPodman(unitText: string): string {
  return unitText.replace(/^(Exec[A-Za-z]*=.*)$/gm, (line) => line.split('/usr/bin/podman').join('/bin/true'));
}

/**
 * Generates the units into a temp dir and runs `systemd-analyze --user verify`
 * on them, and on the plain systemd units (coven targets) found under unitDir, with podman stubbed out; stderr output of any kind fails (systemd
 * only warns, exit 0, about globs and unknown names in dependencies).
 */
export function verifyUnits(unitDir: string, opts: ToolOptions = {}): VerifyResult {
  const analyze = requireTool('systemd-analyze', opts);
  return withTempDir('lychd-verify', (tmp) => {
    const genDir = join(tmp, 'generated');
    const checkDir = join(tmp, 'check');
    const runtimeDir = join(tmp, 'runtime');
    mkdirSync(checkDir);
    mkdirSync(runtimeDir, { mode: 0o700 });
    const generation = generateUnits(unitDir, genDir, opts);
    if (generation.status !== 0 || generation.services.length === 0) {
      const why = generation.status !== 0 ? `quadlet exited ${generation.status}` : 'quadlet generated no services';
      return { ok: false, status: undefined, stderr: [why, ...generation.errors], generation };
    }
    const files = generation.services.map((name) => {
      writeFileSync(join(checkDir, name), stubPodman(readFileSync(join(genDir, name), 'utf8')));
      return join(checkDir, name);
    });
    // The coven targets are verified beside the services they start and stop, as bind links them.
    for (const rel of listSystemdUnits(unitDir)) {
      const name = basename(rel);
      writeFileSync(join(checkDir, name), readFileSync(join(unitDir, rel), 'utf8'));
      files.push(join(checkDir, name));
    }
    const r = runProgram(analyze, ['--user', 'verify', '--man=no', ...files], {
      env: { ...(opts.env ?? process.env), XDG_RUNTIME_DIR: runtimeDir, SYSTEMD_COLORS: '0' },
      cwd: checkDir,
    });
    const stderr = lines(r.stderr).map((l) => l.split(`${checkDir}/`).join(''));
    return { ok: r.status === 0 && stderr.length === 0, status: r.status, stderr, generation };
  });
}

/**
 * Compares the number of quadlet source files with the number of generated
 * services: two sources mapping to one service name (`lychd.pod` and
 * `lychd-pod.container`) overwrite each other without any message.
 */
export function countCheck(unitDir: string, opts: ToolOptions = {}): CountCheckResult {
  const sources = listQuadletSources(unitDir);
  const services = withTempDir('lychd-count', (tmp) => generateUnits(unitDir, join(tmp, 'out'), opts).services);
  return { ok: sources.length === services.length, sources, services };
}
