import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultStoreDir } from '../../tools/src/inscription/site';
import { member as podMember, unit } from '../toolchain/fixtures';
import { tempDir as removedAtEnd } from '../support/temp';

export const REPO = path.resolve(__dirname, '../..');
export const CHILD = path.join(__dirname, 'fixtures', 'bind-child.ts');
const REGISTER = path.join(REPO, 'tools', 'bin', 'register.js');

/** A temporary folder, removed when the test file ends (test/support/temp.ts). */
export const tempDir = (prefix = 'lychd-bind-'): string => removedAtEnd(prefix);

/** A pod member with a description, as the generations installed here carry. */
const member = (name: string, extra: string[] = []) => podMember(name, [`Description=LychD ${name}`], extra);

/**
 * A rendered generation: pod, members, a volume and non-unit files. `variant` changes content
 * and the set of soulstones, so two variants differ by changed, added and removed files.
 * `padding` grows prometheus.yml so writes take measurable time.
 */
export function generationFiles(variant: string, padding = 0): Record<string, string> {
  const stones = variant === 'A' ? ['vllm', 'sglang'] : variant === 'B' ? ['vllm', 'embed'] : [`stone-${variant}`];
  const files: Record<string, string> = {
    'lychd.pod': unit(
      '[Pod]',
      'PodName=lychd',
      'UserNS=keep-id',
      `PublishPort=127.0.0.1:8000:8000`,
      '',
      '[Install]',
      'WantedBy=default.target',
    ),
    'lychd-app.container': member('app', [`Environment=LYCHD_VARIANT=${variant}`, 'Volume=lychd-data.volume:/data']),
    'lychd-data.volume': unit('[Volume]', 'VolumeName=lychd-data'),
    'capabilities.json': `${JSON.stringify({ variant, capabilities: stones }, null, 2)}\n`,
    'prometheus.yml': `# variant ${variant}\nscrape_configs: []\n${'#'.repeat(80).concat('\n').repeat(padding)}`,
  };
  for (const s of stones) {
    files[`soulstone-${s}.container`] = member(`soulstone-${s}`, ['StartWithPod=false', `Environment=STONE=${s}-${variant}`]);
  }
  return files;
}

export function writeGeneration(dir: string, files: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** The user's own entries in the site, which the Forge must never touch. */
export const FOREIGN: Record<string, string> = {
  'my-app.container': unit('[Container]', 'Image=docker.io/library/nginx:1.27', 'Exec=nginx -g "daemon off;"'),
  'notes.txt': 'my notes\n',
  '.hidden-user.volume': unit('[Volume]', 'VolumeName=hidden'),
  'mine/other.volume': unit('[Volume]', 'VolumeName=other'),
  'mine/deeper/readme.md': '# mine\n',
};

export function writeForeign(site: string): void {
  writeGeneration(site, FOREIGN);
}

export interface Entry {
  kind: 'file' | 'dir' | 'link';
  content?: string;
  target?: string;
  mtimeMs: number;
  ino: number;
}

/** Full snapshot of a tree (lstat: links are recorded, not followed), with mtimes and inodes. */
export function snapshot(root: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  if (!fs.existsSync(root)) return out;
  const walk = (abs: string, rel: string) => {
    const st = fs.lstatSync(abs);
    const base = { mtimeMs: st.mtimeMs, ino: st.ino };
    if (st.isSymbolicLink()) out[rel] = { kind: 'link', target: fs.readlinkSync(abs), ...base };
    else if (st.isDirectory()) {
      out[rel] = { kind: 'dir', ...base };
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(abs, name), rel === '' ? name : `${rel}/${name}`);
    } else out[rel] = { kind: 'file', content: fs.readFileSync(abs, 'latin1'), ...base };
  };
  walk(root, '');
  return out;
}

/**
 * What a reader of the site sees: every file reachable from the site, following symlinked dirs
 * the way the quadlet generator does, path → content.
 */
export function siteView(site: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of fs.readdirSync(abs).sort()) {
      const childAbs = path.join(abs, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const st = fs.statSync(childAbs);
      if (st.isDirectory()) walk(childAbs, childRel);
      else out[childRel] = fs.readFileSync(childAbs, 'utf8');
    }
  };
  walk(site, '');
  return out;
}

/** The view a site must show when generation `files` (or none) is installed beside FOREIGN. */
export function expectedView(files: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...FOREIGN };
  for (const [rel, text] of Object.entries(files ?? {})) out[`lychd/${rel}`] = text;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Name the view: 'old', 'new', 'none' or 'MIXED'. */
export function classify(view: Record<string, string>, states: Record<string, Record<string, string> | undefined>): string {
  const json = JSON.stringify(view);
  for (const [name, files] of Object.entries(states)) if (JSON.stringify(expectedView(files)) === json) return name;
  return 'MIXED';
}

export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms from the child's "ready" line to its exit, when it got that far */
  readyToExitMs?: number;
  /** When the parent read "ready" (Date.now(), the clock of the steps' trace) */
  readyAtEpochMs?: number;
}

export interface ChildRun {
  op: 'bind' | 'rollback';
  generationDir?: string;
  bindingSite: string;
  env?: Record<string, string>;
  /** SIGKILL the child this many ms after it prints "ready" (just before calling bind). */
  killAfterReadyMs?: number;
}

/** Run bind (or rollback) in a child node process, as a real crash would cut it short. */
export function runChild(run: ChildRun): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    // The checkout's own TypeScript hook (tools/bin/register.js), as the command line uses: a
    // third of a second less per child than @swc-node/register, over some 80 children.
    const args = ['-r', REGISTER, CHILD, run.op, run.bindingSite, run.generationDir ?? ''];
    const child = spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, ...run.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let readyAt: number | undefined;
    let readyAtEpochMs: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (readyAt === undefined && stdout.includes('ready\n')) {
        readyAt = performance.now();
        readyAtEpochMs = Date.now();
        if (run.killAfterReadyMs !== undefined) {
          const delay = run.killAfterReadyMs;
          if (delay <= 0) child.kill('SIGKILL');
          else setTimeout(() => child.kill('SIGKILL'), delay);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const readyToExitMs = readyAt === undefined ? undefined : performance.now() - readyAt;
      resolve({ code, signal, stdout, stderr, ...(readyToExitMs !== undefined ? { readyToExitMs, readyAtEpochMs } : {}) });
    });
  });
}

/** A Binding Site that already holds the user's own files, and a way to render generation variants beside it. */
export function siteFixture() {
  const root = tempDir();
  const site = path.join(root, 'containers', 'systemd');
  fs.mkdirSync(site, { recursive: true });
  writeForeign(site);
  const render = (variant: string) => writeGeneration(path.join(root, `render-${variant}`), generationFiles(variant));
  return { root, site, store: defaultStoreDir(site), render };
}
