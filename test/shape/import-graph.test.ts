import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, folderOf, importGraph, pastTheFace, type Allowance, type Edge } from './import-graph';

/**
 * The shape of tools/src as an import graph: no cycle between its folders or between the files
 * of one folder, and no import into another folder past its face (its index.ts) outside the list
 * below. ESLint does not check this: its no-restricted-imports sees neither `import()` nor a
 * per-import exception, so this test is the rule.
 */

const SRC = path.join(__dirname, '../../tools/src');
const { files, edges } = importGraph(SRC);

/**
 * Imports allowed past a face, each with why. A face loads its whole folder, so these keep the
 * modules that must start fast from loading what they do not use.
 */
const ALLOWED: Allowance[] = [
  // Folders without a face, on purpose.
  { from: '*', to: 'shared/*', why: 'small leaf helpers, each a module of its own; a face would load them all' },
  { from: '*', to: 'artifacts/*', why: 'artifacts/paths.ts is loaded at graph time without zod; each reader brings its own schema' },
  { from: '*', to: 'nx/layout.ts', why: "the workspace layout; nx/ has no face, as its plugin.ts is Nx's graph-time entry" },
  { from: '*', to: 'nx/names.ts', why: 'the project and target names, read where the layout is' },
  { from: 'generators/*', to: 'nx/clashes.ts', why: 'the generator refuses project names Nx would report as clashes' },
  { from: 'generators/init/generator.ts', to: 'nx/nx-json.ts', why: 'init registers the plugin in nx.json under its name' },
  { from: 'index.ts', to: 'nx/plugin.ts', why: "the package's entry is the plugin" },
  { from: 'tasks/*', to: 'cli/*', why: 'each Forge task loads only the command it runs (tasks/index.ts loads them lazily)' },
  { from: 'executors/*', to: 'cli/*', why: 'each executor runs the command of its name' },
  // Graph time: Nx loads the plugin before every command, so it loads single modules, not folders.
  { from: 'nx/*', to: 'codex/*', why: 'graph time: the layout and the Prime Scroll, not the Codex loader' },
  { from: 'nx/*', to: 'federation/sources.ts', why: 'graph time: the federation inputs, without the hook runner' },
  { from: 'nx/*', to: 'toolchain/workspace-root.ts', why: 'graph time: the workspace root, without the tool runners' },
  { from: 'federation/*', to: 'codex/*', why: 'graph time (sources.ts), and each hook run: the registry and layout, not the loader' },
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
  { from: 'cli/*', to: 'image/sovereign/index.ts', why: 'the flake command loads the flake writer, not the image build' },
  { from: 'image/image.ts', to: 'inscription/lock.ts', why: 'the image build takes the Binding Site lock, not the Binding Site' },
  { from: 'cli/*', to: 'rebirth/host.ts', why: "the bind command names the Vessel's service, without the Rebirth Gate" },
  {
    from: 'cli/*',
    to: 'inscription/rite.ts',
    why: 'the bind rite checks secrets with the Scribe: kept out of the face binding-state.js loads',
  },
  { from: 'tasks/bind.ts', to: 'inscription/rite.ts', why: 'the bind rite, as above' },
  { from: 'tasks/facts.ts', to: 'scribe/*', why: "a rune folder's facts need two of the Scribe's helpers, not the renderers" },
  { from: 'inscription/*', to: 'scribe/*', why: 'the rite checks secrets and unit names, not the renderers' },
  { from: 'rebirth/*', to: 'scribe/names.ts', why: "the Vessel's service, as the Scribe names it, without the renderers" },
  { from: 'rebirth/store.ts', to: 'inscription/generation.ts', why: "the Gate's store reads a generation, without the bind machinery" },
];

const folders = [...new Set(files.map(folderOf))];
const folderEdges = (list: Edge[]) =>
  [...new Set(list.filter((e) => folderOf(e.from) !== folderOf(e.to)).map((e) => `${folderOf(e.from)} -> ${folderOf(e.to)}`))].map((k) => {
    const [from, to] = k.split(' -> ') as [string, string];
    return { from, to };
  });

describe('the import graph of tools/src', () => {
  it('has no cycle between its folders', () => {
    const all = folderEdges(edges);
    console.log(`import graph: ${files.length} files, ${edges.length} imports, ${folders.length} folders, ${all.length} folder edges`);
    expect(cycles(folders, all)).toEqual([]);
  });

  it('has no cycle between the files of one folder, type imports included', () => {
    const inside = edges.filter((e) => folderOf(e.from) === folderOf(e.to));
    expect(cycles(files, inside)).toEqual([]);
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
