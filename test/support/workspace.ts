import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WORKSPACE } from './codex-fixture';
import { runAsync, type Ran } from './run';
import { tempDir } from './temp';

export type { Ran } from './run';

export interface WorkspaceCopy {
  root: string;
  /**
   * Runs real `nx` in the copy, in CI mode (no daemon, no cloud), with the copy's own cache.
   * Asynchronous, so the test worker keeps answering vitest while nx runs for minutes.
   */
  nx(args: string[], env?: NodeJS.ProcessEnv): Promise<Ran>;
  /** The same, blocking: for timing whole runs, as the benchmark does. */
  nxSync(args: string[], env?: NodeJS.ProcessEnv): Ran;
  git(args: string[]): string;
  write(rel: string, text: string): void;
  read(rel: string): string;
}

/**
 * Nx's default, as a user's nx runs: each plugin loaded in a worker process of its own. The copies
 * below load them in nx's own process instead (NX_ISOLATE_PLUGINS=false): the same plugin code and
 * the same graph, without five or six node processes started for every nx command, which made the
 * suite's nx commands two to four times costlier in CPU. A copy that stands for a user's
 * workspace asks for the default with this; the packed plugin's workspace
 * (test/nx/installed.test.ts) runs Nx's default too.
 */
export const ISOLATED_PLUGINS = { NX_ISOLATE_PLUGINS: 'true' };

/**
 * A copy of the workspace's tracked files in a temporary folder, with its own git history and its
 * own Nx cache. node_modules entries are linked, except the plugin package, which points at the
 * copy's own `tools/` so that edits to the copy's plugin are what Nx runs (its unhoisted
 * dependencies, tools/node_modules, are linked too).
 */
export function copyWorkspace(opts: { cacheDir?: string; env?: NodeJS.ProcessEnv } = {}): WorkspaceCopy {
  const root = tempDir('lychd-ws-');
  const tracked = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: WORKSPACE, encoding: 'utf8' })
    .stdout.split('\0')
    .filter(Boolean);
  for (const rel of tracked) {
    const from = path.join(WORKSPACE, rel);
    if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(root, rel));
  }
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(WORKSPACE, 'node_modules'))) {
    if (entry === '@lychd') continue;
    fs.symlinkSync(path.join(WORKSPACE, 'node_modules', entry), path.join(modules, entry));
  }
  fs.mkdirSync(path.join(modules, '@lychd'));
  fs.symlinkSync('../../tools', path.join(modules, '@lychd', 'forge'));
  // The plugin's own dependencies where npm did not hoist them (another version sits at the root).
  if (fs.existsSync(path.join(WORKSPACE, 'tools/node_modules')))
    fs.symlinkSync(path.join(WORKSPACE, 'tools/node_modules'), path.join(root, 'tools/node_modules'));
  if (fs.existsSync(path.join(WORKSPACE, '.tools'))) fs.symlinkSync(path.join(WORKSPACE, '.tools'), path.join(root, '.tools'));

  const cacheDir = opts.cacheDir ?? path.join(root, '.nx-cache');
  const baseEnv = {
    ...process.env,
    CI: 'true',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_CACHE_DIRECTORY: cacheDir,
    NX_WORKSPACE_DATA_DIRECTORY: path.join(root, '.nx-data'),
    NX_TUI: 'false',
    NX_ISOLATE_PLUGINS: 'false',
    FORCE_COLOR: '0',
    ...opts.env,
  };
  const git = (args: string[]) => {
    const r = spawnSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...baseEnv, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  fs.appendFileSync(path.join(root, '.gitignore'), '.nx-cache/\n.nx-data/\n');
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'base']);
  const nxBin = path.join(modules, 'nx', 'dist', 'bin', 'nx.js');
  return {
    root,
    nx: (args, env) => runAsync(process.execPath, [nxBin, ...args], { cwd: root, env: { ...baseEnv, ...env } }),
    nxSync: (args, env) => {
      const r = spawnSync(process.execPath, [nxBin, ...args], { cwd: root, encoding: 'utf8', env: { ...baseEnv, ...env } });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    git,
    write: (rel, text) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    },
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
  };
}
