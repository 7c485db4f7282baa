import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, folderOf, importGraph, pastTheFace, type Allowance, type Edge } from './import-graph';

/**
 * The shape of tools/src as an import graph: no new cycle between its folders or between the files
 * of one folder, and no import into another folder past its face (its index.ts) outside the list
 * below. ESLint does not check this: its no-restricted-imports sees neither `import()` nor a
 * per-import exception, so this test is the rule.
 */

const SRC = path.join(__dirname, '../../tools/src');
const { files, edges } = importGraph(SRC);

/**
 * Imports allowed past a face, each with why. A face loads its whole folder, so these keep the
 * modules that must start fast from loading what they do not use. "A back edge": see
 * FOLDER_BACK_EDGES.
 */
const ALLOWED: Allowance[] = [
  // Folders without a face, on purpose.
  { from: '*', to: 'shared/*', why: 'small leaf helpers, each a module of its own; a face would load them all' },
  { from: '*', to: 'artifacts/*', why: 'artifacts/paths.ts is loaded at graph time without zod; each reader brings its own schema' },
  { from: '*', to: 'nx/layout.ts', why: "the workspace layout; nx/ has no face, as its plugin.ts is Nx's graph-time entry" },
  { from: '*', to: 'nx/names.ts', why: 'the project and target names, read where the layout is' },
  { from: 'generators/*', to: 'nx/clashes.ts', why: 'the generator refuses project names Nx would report as clashes' },
  { from: 'index.ts', to: 'nx/plugin.ts', why: "the package's entry is the plugin" },
  { from: 'tasks/*', to: 'cli/*', why: 'each Forge task loads only the command it runs (tasks/index.ts loads them lazily)' },
  { from: 'executors/*', to: 'cli/*', why: 'each executor runs the command of its name' },
  { from: 'cli/render.ts', to: 'tasks/output.ts', why: 'the Scribe command writes as the scribe tasks write (a back edge)' },
  // Graph time: Nx loads the plugin before every command, so it loads single modules, not folders.
  { from: 'nx/*', to: 'codex/*', why: 'graph time: the layout and the Prime Scroll, not the Codex loader' },
  { from: 'nx/*', to: 'federation/sources.ts', why: 'graph time: the federation inputs, without the hook runner' },
  { from: 'nx/*', to: 'toolchain/workspace-root.ts', why: 'graph time: the workspace root, without the tool runners' },
  { from: 'artifacts/*', to: 'codex/*', why: 'graph time: a pattern and the layout, not the Codex loader' },
  { from: 'artifacts/*', to: 'synthesis/*', why: 'graph time: the manifest layout and a package pattern, not the lockers' },
  { from: 'federation/*', to: 'codex/*', why: 'graph time (sources.ts), and each hook run: the registry and layout, not the loader' },
  { from: 'shared/tree.ts', to: 'diagnostics/error.ts', why: 'graph time; and the diagnostics face imports shared/ (a back edge)' },
  // Each task and command loads what it runs: the codex face would add the loader and every rune schema.
  { from: 'scribe/*', to: 'codex/*', why: 'the Scribe runs once per rune folder on validated runes: no loader' },
  { from: 'tasks/*', to: 'codex/*', why: 'each task reads the layout or one rune file: no loader' },
  { from: 'cli/*', to: 'codex/*', why: 'cli/paths.ts, loaded by every command, needs the layout only' },
  { from: 'generators/*', to: 'codex/*', why: 'the generators write a Codex; they do not load one' },
  { from: 'synthesis/*', to: 'codex/*', why: 'the layout, the registry and TOML helpers, not the loader' },
  { from: 'image/*', to: 'codex/*', why: 'the image stage reads the Prime Scroll and a few patterns, not the loader' },
  // The synthesis face brings the lockers (uv, npm, Tailwind).
  { from: 'federation/*', to: 'synthesis/*', why: 'the hooks read components as synthesis finds them, without the lockers' },
  { from: 'image/*', to: 'synthesis/*', why: 'the image stage reads the Synthesis Manifest and its layout, not the lockers' },
  { from: 'cli/*', to: 'synthesis/*', why: 'the layout and the input checks, without the lockers' },
  // The toolchain face brings the quadlet tools and, through them, the Scribe's names.
  { from: 'synthesis/*', to: 'toolchain/*', why: 'the lockers run uv and npm: the runner and its environment only' },
  { from: 'federation/*', to: 'toolchain/run.ts', why: 'the hooks run a process: the runner only' },
  { from: 'image/*', to: 'toolchain/run.ts', why: 'buildah and apt run as processes: the runner only' },
  { from: 'generators/*', to: 'toolchain/run.ts', why: 'the example runs one process' },
  // Single modules of a heavier folder.
  { from: 'synthesis/check.ts', to: 'image/*', why: 'the drift check reads two records of the image stage (a back edge)' },
  { from: 'cli/*', to: 'image/sovereign/index.ts', why: 'the flake command loads the flake writer, not the image build' },
  { from: 'image/image.ts', to: 'inscription/lock.ts', why: 'the image build takes the Binding Site lock, not the Binding Site' },
  { from: 'cli/*', to: 'rebirth/host.ts', why: "the bind command names the Vessel's service, without the Rebirth Gate" },
  {
    from: 'cli/*',
    to: 'inscription/on-host.ts',
    why: 'the bind on this host checks secrets with the Scribe: kept out of the face binding-state.js loads',
  },
  { from: 'tasks/bind.ts', to: 'inscription/on-host.ts', why: 'the bind on this host, as above' },
  { from: 'cli/bind.ts', to: 'inscription/pending.ts', why: "the pending review reads the Gate's change list: kept out of the face" },
  { from: 'tasks/facts.ts', to: 'scribe/*', why: "a rune folder's facts need two of the Scribe's helpers, not the renderers" },
  { from: 'inscription/*', to: 'rebirth/*', why: 'the pending review names what the Gate would restart (a back edge)' },
  { from: 'inscription/*', to: 'scribe/*', why: 'the bind on this host checks secrets and unit names, not the renderers' },
  { from: 'rebirth/store.ts', to: 'inscription/generation.ts', why: "the Gate's store reads a generation, without the bind machinery" },
  { from: 'toolchain/quadlet-sources.ts', to: 'scribe/names.ts', why: 'the unit file names (a back edge)' },
];

/**
 * The folder imports that close a cycle between folders today, lower folder first: each is
 * allowed, and no other cycle is. Removing one is progress; the test says when it is gone.
 */
const FOLDER_BACK_EDGES: Array<{ from: string; to: string; why: string }> = [
  { from: 'shared', to: 'diagnostics', why: 'shared/tree.ts throws a ForgeError' },
  { from: 'cli', to: 'tasks', why: 'cli/render.ts writes with tasks/output.ts' },
  { from: 'artifacts', to: 'codex', why: 'the federation record names the registry and the Codex layout' },
  { from: 'artifacts', to: 'synthesis', why: 'the Synthesis Manifest reader reuses the manifest’s types and layout' },
  { from: 'artifacts', to: 'image', why: 'the image summary reader names the image stage’s summary type' },
  { from: 'synthesis', to: 'image', why: 'the drift check reads the base record and the Debian lock' },
  { from: 'toolchain', to: 'scribe', why: 'the quadlet sources are named as the Scribe names them' },
  { from: 'inscription', to: 'rebirth', why: 'the pending review reads the Gate’s change list' },
];

/** File cycles inside a folder, as they are today: any other fails. */
const KNOWN_FILE_CYCLES = [['image/apt.ts', 'image/base.ts', 'image/missing-package.ts']];

const folders = [...new Set(files.map(folderOf))];
const folderEdges = (list: Edge[]) =>
  [...new Set(list.filter((e) => folderOf(e.from) !== folderOf(e.to)).map((e) => `${folderOf(e.from)} -> ${folderOf(e.to)}`))].map((k) => {
    const [from, to] = k.split(' -> ') as [string, string];
    return { from, to };
  });

describe('the import graph of tools/src', () => {
  it('has no folder cycle beyond the listed back edges', () => {
    const all = folderEdges(edges);
    const isBack = (e: { from: string; to: string }) => FOLDER_BACK_EDGES.some((b) => b.from === e.from && b.to === e.to);
    console.log(
      [
        `import graph: ${files.length} files, ${edges.length} imports, ${folders.length} folders, ${all.length} folder edges`,
        `folder cycles: ${cycles(folders, all).length} (${cycles(folders, all)
          .map((c) => c.join(' '))
          .join('; ')})`,
        `folder cycles without the ${FOLDER_BACK_EDGES.length} listed back edges: ${
          cycles(
            folders,
            all.filter((e) => !isBack(e)),
          ).length
        }`,
      ].join('\n'),
    );
    expect(
      cycles(
        folders,
        all.filter((e) => !isBack(e)),
      ),
    ).toEqual([]);
    expect(FOLDER_BACK_EDGES.filter((b) => !all.some((e) => e.from === b.from && e.to === b.to))).toEqual([]);
  });

  it('has no file cycle inside a folder, type imports included', () => {
    const inside = edges.filter((e) => folderOf(e.from) === folderOf(e.to));
    expect(cycles(files, inside)).toEqual(KNOWN_FILE_CYCLES);
  });

  it('reaches into another folder only through its face, or as listed', () => {
    const { violations, unused } = pastTheFace(edges, ALLOWED);
    const crossing = edges.filter((e) => folderOf(e.to) !== '.' && folderOf(e.from) !== folderOf(e.to));
    console.log(
      `imports into another folder: ${crossing.length}, through its face: ${crossing.length - pastTheFace(edges, []).violations.length}, ` +
        `past it as listed: ${pastTheFace(edges, []).violations.length - violations.length} (${ALLOWED.length} allowances), not listed: ${violations.length}`,
    );
    expect(violations.map((e) => `${e.from}:${e.line} -> ${e.to}`)).toEqual([]);
    expect(unused).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const edge = (from: string, to: string): Edge => ({ from, to, kind: 'value', line: 1 });

  it('finds a cycle and leaves a chain alone', () => {
    expect(cycles(['a', 'b', 'c'], [edge('a', 'b'), edge('b', 'c'), edge('c', 'a')])).toEqual([['a', 'b', 'c']]);
    expect(cycles(['a', 'b', 'c'], [edge('a', 'b'), edge('b', 'c')])).toEqual([]);
  });

  it('flags an import past a face unless it is allowed', () => {
    const past = edge('a/x.ts', 'b/y.ts');
    const face = edge('a/x.ts', 'b/index.ts');
    expect(pastTheFace([past, face], []).violations).toEqual([past]);
    const allowance = { from: 'a/*', to: 'b/y.ts', why: 'test' };
    expect(pastTheFace([past, face], [allowance])).toEqual({ violations: [], unused: [] });
    expect(pastTheFace([face], [allowance]).unused).toEqual([allowance]);
  });
});
