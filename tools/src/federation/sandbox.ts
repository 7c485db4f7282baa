import * as fs from 'node:fs';
import * as path from 'node:path';
import { causesOf, failure } from '../diagnostics';
import { runProgram } from '../toolchain';

/** Set to 1 to run the hooks without the sandbox (a warning is printed each time). */
export const UNSANDBOXED_VARIABLE = 'LYCHD_UNSANDBOXED_HOOKS';

/** The host's system folders a Python interpreter needs, shown read-only (or as the same links). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** The few files of /etc a program reads to start; nothing that holds a secret. */
const SYSTEM_FILES = ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime', '/etc/passwd', '/etc/group'];

/** How a hook's process is started: directly, or inside bubblewrap. */
export interface HookLauncher {
  /** The program and arguments that run `file args` (confined when `sandboxed`). */
  command(file: string, args: readonly string[], cwd: string): { file: string; args: string[] };
  sandboxed: boolean;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = dir && path.join(dir, name);
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The folder of the interpreter a venv's python links to (sys.base_prefix), resolved. */
function interpreterPrefix(python: string): string {
  return path.dirname(path.dirname(fs.realpathSync(python)));
}

const inside = (dir: string, p: string) => p === dir || p.startsWith(dir + path.sep);

/**
 * bubblewrap's arguments: new namespaces of every kind (so no network, and a PID namespace whose
 * processes all die with the hook), the system and the workspace read-only, a private /tmp.
 */
export function sandboxArgs(workspaceRoot: string, python: string, cwd: string): string[] {
  // --as-pid-1: the hook's interpreter is the namespace's init, so bwrap returns only after the
  // kernel has killed and reaped every process left in it (bwrap's own init reports earlier).
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--as-pid-1'];
  for (const dir of SYSTEM_DIRS) {
    const st = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(dir), dir);
    else if (st?.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  for (const file of SYSTEM_FILES) args.push('--ro-bind-try', file, file);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  // The workspace at its real path and, when reached through a link, at the path the Forge uses too.
  const root = fs.realpathSync(workspaceRoot);
  args.push('--ro-bind', root, root);
  if (path.resolve(workspaceRoot) !== root) args.push('--ro-bind', root, path.resolve(workspaceRoot));
  // A uv-managed interpreter lives outside /usr; the venv's python links to it.
  const prefix = interpreterPrefix(python);
  if (!SYSTEM_DIRS.some((d) => inside(d, prefix)) && !inside(root, prefix)) args.push('--ro-bind', prefix, prefix);
  args.push('--chdir', fs.realpathSync(cwd));
  return args;
}

/**
 * The launcher for the hooks of one run. Without bubblewrap, or where it cannot create its
 * namespaces, it refuses, unless LYCHD_UNSANDBOXED_HOOKS=1 asks to run them unconfined (warned).
 */
export function hookLauncher(
  opts: { workspaceRoot: string; python: string; env?: NodeJS.ProcessEnv },
  warn: (message: string) => void,
): HookLauncher {
  const env = opts.env ?? process.env;
  if (env[UNSANDBOXED_VARIABLE] === '1') {
    warn(
      `${UNSANDBOXED_VARIABLE}=1: the extensions' register hooks run WITHOUT a sandbox: they can read and write what you can, reach the network and leave processes running`,
    );
    return { sandboxed: false, command: (file, args) => ({ file, args: [...args] }) };
  }
  const optOut = `or, only for extensions you trust, set ${UNSANDBOXED_VARIABLE}=1 to run the hooks unconfined`;
  const bwrap = onPath('bwrap', env);
  if (!bwrap)
    throw failure('LYCHD205', "the extensions' register hooks run in a sandbox, and bubblewrap (bwrap) is not installed", {
      hint: `install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap), ${optOut}`,
    });
  const wrap = (file: string, args: readonly string[], cwd: string) => ({
    file: bwrap,
    args: [...sandboxArgs(opts.workspaceRoot, opts.python, cwd), '--', file, ...args],
  });
  // One empty run checks that the namespaces can be made here, and the interpreter reached in them.
  const probe = wrap(opts.python, ['-c', 'pass'], opts.workspaceRoot);
  let r;
  try {
    r = runProgram(probe.file, probe.args, { env: { PATH: '/usr/bin:/bin' }, timeoutMs: 30_000 });
  } catch (e) {
    r = { status: 1, stdout: '', stderr: causesOf(e).join(': ') };
  }
  if (r.status !== 0)
    throw failure(
      'LYCHD205',
      `the sandbox for the extensions' register hooks cannot be set up: ${r.stderr.trim().split('\n')[0] || `bwrap exited ${r.status}`}`,
      {
        why: 'bubblewrap needs user namespaces (or root) to make the new mount, PID and network namespaces',
        hint: `allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for bwrap), or run as root, ${optOut}`,
      },
    );
  return { sandboxed: true, command: wrap };
}
