import * as fs from 'node:fs';
import * as path from 'node:path';
import { readScrollSettings } from '../../codex/prime-scroll';
import { failure } from '../../diagnostics';
import { CODE_DIR, PLUGIN_DIR } from '../../nx/plugin-layout';
import { runProgram } from '../../toolchain';

/** The shipped example's parts, as build.js copies them into the package's example/ folder. */
const PARTS = ['codex', 'core', 'extensions', 'forge/templates'] as const;
export type ExamplePart = (typeof PARTS)[number];

/** One shipped file: its part and its path inside that part. */
export interface ExampleFile {
  part: ExamplePart;
  rel: string;
  content: Buffer;
}

/**
 * Where the shipped example is: the package's example/ where it is installed; in the Forge's own
 * checkout, which runs its sources, the workspace itself, whose tracked files build.js ships.
 */
function exampleRoot(): { root: string; files: string[] } {
  if (CODE_DIR === 'dist') {
    const root = path.join(PLUGIN_DIR, 'example');
    const files = PARTS.flatMap((part) =>
      fs.existsSync(path.join(root, part))
        ? fs
            .readdirSync(path.join(root, part), { recursive: true, encoding: 'utf8' })
            .map((f) => `${part}/${f.split(path.sep).join('/')}`)
            .filter((f) => fs.statSync(path.join(root, f)).isFile())
        : [],
    );
    if (!files.length) throw failure('LYCHD804', `the package holds no example in ${root}`, { hint: 'reinstall @lychd/forge' });
    return { root, files };
  }
  const root = path.dirname(PLUGIN_DIR);
  const r = runProgram('git', ['ls-files', '-z', '--', ...PARTS], { cwd: root });
  if (r.status !== 0) throw failure('LYCHD801', `cannot list the example's files in ${root}: ${r.stderr.trim()}`);
  return { root, files: r.stdout.split('\0').filter(Boolean) };
}

/** Every file of the shipped example, and the core's folder its Prime Scroll names (`[forge] core`). */
export function shippedExample(): { files: ExampleFile[]; core: string } {
  const { root, files } = exampleRoot();
  const partOf = (file: string) => PARTS.find((p) => file.startsWith(`${p}/`))!;
  return {
    files: files.sort().map((file) => {
      const part = partOf(file);
      return { part, rel: file.slice(part.length + 1), content: fs.readFileSync(path.join(root, file)) };
    }),
    core: readScrollSettings(path.join(root, 'codex')).settings?.core ?? 'core',
  };
}
