import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForgeError, type Code } from '../../diagnostics';
import { fileSha256 } from '../../shared/digest';
import { MANIFEST_FILE } from '../../artifacts/paths';
import { requireTool, resolveTool, runProgram, toolVersion } from '../../toolchain';
import { checkFlake } from './flake-files';
import { FLAKE_LOCK } from './flake';
import { readLayout, writeLayout } from '../oci-layout';
import { REF_NAME, summarizeLayout, SYNTHESIS_LABEL, writeImageSummary } from '../summary';
import type { ImageSummary } from '../../artifacts/image-summary';
import { FLAKE_INPUTS } from './pins';
import { driftText } from '../../report';

/** Current nixpkgs needs this Nix; bookworm's nix-bin (2.8) cannot evaluate it. */
export const MIN_NIX = '2.18';
const NIX_FLAGS = ['--extra-experimental-features', 'nix-command flakes'];
const HOUR = 3_600_000;

/** The Sovereign path cannot build: in the Forge's one error model. */
export class SovereignBuildError extends ForgeError {
  constructor(code: Code, message: string) {
    super([{ severity: 'error', code, message }]);
    this.name = 'SovereignBuildError';
  }
}

export interface SovereignBuildOptions {
  workspaceRoot: string;
  /** Where the OCI layout and image.json go; `<workspace>/dist/forge/image` by default. */
  imageDir?: string;
  /** The flake system to build; the machine's by default. */
  system?: string;
  env?: NodeJS.ProcessEnv;
}

/** Why this Nix cannot be used, or undefined when it can. */
export function nixVersionProblem(version: string | undefined): string | undefined {
  const need = `The Sovereign path needs Nix >= ${MIN_NIX} with flakes`;
  const how =
    'install it (Debian trixie: `apt-get install nix-bin`; elsewhere the installer from the Nix manual), ' +
    'or set LYCHD_NIX to a suitable nix. It does not fall back to the Mundane path: for buildah, set [forge] strategy = "mundane".';
  if (version === undefined) return `${need}, and none was found; ${how}`;
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  const [needMajor = 0, needMinor = 0] = MIN_NIX.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `${need}; this one is ${version}; ${how}`;
}

function defaultSystem(): string {
  return `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux`;
}

/**
 * The Sovereign path: `nix build` of the flake's image, the streamed Docker archive loaded into
 * an OCI layout with skopeo, and the same `image.json` summary as the Mundane path.
 * flake.nix must be current; a flake.lock, when there is one, must be the manifest's and is not
 * updated. Without one, Nix writes it: `lychd-forge synthesize` then records it.
 */
export function buildSovereignImage(options: SovereignBuildOptions): ImageSummary {
  const root = options.workspaceRoot;
  const env = options.env ?? process.env;
  const toolOpts = { workspaceRoot: root, env };
  const nixPath = resolveTool('nix', toolOpts);
  const nixVersion = nixPath ? toolVersion('nix', toolOpts) : undefined;
  const problem = nixVersionProblem(nixVersion);
  if (problem) throw new SovereignBuildError('LYCHD800', problem);
  const nix = nixPath!;
  const skopeo = requireTool('skopeo', toolOpts);

  const flake = checkFlake({ workspaceRoot: root });
  if ('diagnostics' in flake) throw new ForgeError(flake.diagnostics, 'flake.nix is not ready to build:');
  if (!flake.ok) throw new SovereignBuildError('LYCHD304', `flake.nix is not ready to build:\n${driftText(flake.drift)}`);

  const system = options.system ?? defaultSystem();
  const hadLock = fs.existsSync(path.join(root, FLAKE_LOCK));
  // A recorded flake.lock is the build's pin: Nix may not change it.
  const lockFlags = hadLock ? ['--no-update-lock-file'] : [];
  const nixRun = (args: string[]) => {
    const r = runProgram(nix, [...args.slice(0, 1), ...NIX_FLAGS, ...args.slice(1)], { cwd: root, env, timeoutMs: HOUR });
    if (r.status !== 0) throw new SovereignBuildError('LYCHD603', `nix ${args[0]} failed (exit ${r.status}):\n${r.stderr.trim()}`);
    return r.stdout.trim();
  };
  const stream = nixRun(['build', ...lockFlags, '--no-link', '--print-out-paths', `.#packages.${system}.image`]);
  const systemPackages = JSON.parse(nixRun(['eval', ...lockFlags, '--json', `.#lychd.${system}.systemPackages`])) as Record<string, string>;

  const imageDir = options.imageDir ?? path.join(root, 'dist', 'forge', 'image');
  fs.mkdirSync(imageDir, { recursive: true });
  const archive = path.join(imageDir, '.stream.tar');
  try {
    streamTo(stream, archive, env);
    loadDockerArchive(archive, imageDir, { skopeo, env });
  } finally {
    fs.rmSync(archive, { force: true });
  }

  const synthesis = `sha256:${fileSha256(path.join(root, MANIFEST_FILE))}`;
  const image = readLayout(path.join(imageDir, 'oci'), REF_NAME);
  if (image.labels[SYNTHESIS_LABEL] !== synthesis)
    throw new SovereignBuildError(
      'LYCHD603',
      `the built image carries ${SYNTHESIS_LABEL}=${image.labels[SYNTHESIS_LABEL] ?? '(none)'}, the manifest is ${synthesis}`,
    );
  const summary = summarizeLayout(image, {
    strategy: 'sovereign',
    base: nixpkgsBase(root),
    systemPackages,
    builder: { name: 'nix', version: nixVersion! },
    synthesis,
  });
  writeImageSummary(imageDir, summary);
  return summary;
}

/**
 * A Docker archive into `<imageDir>/oci` (an OCI layout, the image named `lychd`, written as the
 * Mundane path writes it), replacing the layout only once skopeo has written the new one completely.
 */
export function loadDockerArchive(archive: string, imageDir: string, opts: { skopeo: string; env?: NodeJS.ProcessEnv }): void {
  const staging = path.join(imageDir, '.oci-new');
  const oci = path.join(imageDir, 'oci');
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    writeLayout({
      skopeo: opts.skopeo,
      source: `docker-archive:${archive}`,
      dir: staging,
      refName: REF_NAME,
      reuse: [oci],
      env: opts.env,
    });
    fs.rmSync(oci, { recursive: true, force: true });
    fs.renameSync(staging, oci);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Runs the script `streamLayeredImage` built, its Docker archive going straight to a file. */
function streamTo(script: string, file: string, env: NodeJS.ProcessEnv): void {
  // runProgram collects output as text; the archive is binary and large, so it goes to a descriptor.
  const fd = fs.openSync(file, 'w');
  try {
    const r = spawnSync(script, [], { env, stdio: ['ignore', fd, 'pipe'], timeout: HOUR });
    if (r.error) throw new SovereignBuildError('LYCHD603', `cannot run ${script}: ${r.error.message}`);
    if (r.status !== 0) throw new SovereignBuildError('LYCHD603', `${script} failed (exit ${r.status}):\n${String(r.stderr).trim()}`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A Nix image has no base image; what plays its part is nixpkgs at the locked revision, and its
 * NAR hash (from flake.lock) is the digest.
 */
function nixpkgsBase(root: string): ImageSummary['base'] {
  const pin = FLAKE_INPUTS.find((i) => i.name === 'nixpkgs')!;
  const lock = JSON.parse(fs.readFileSync(path.join(root, FLAKE_LOCK), 'utf8')) as {
    nodes: Record<string, { locked?: { narHash?: string; rev?: string }; inputs?: Record<string, string> }>;
    root: string;
  };
  const node = lock.nodes[lock.nodes[lock.root]?.inputs?.['nixpkgs'] ?? 'nixpkgs'];
  const sri = node?.locked?.narHash ?? '';
  const hex = sri.startsWith('sha256-') ? Buffer.from(sri.slice('sha256-'.length), 'base64').toString('hex') : '';
  return { kind: 'image', ref: `github:${pin.owner}/${pin.repo}/${node?.locked?.rev ?? pin.rev}`, digest: `sha256:${hex}` };
}
