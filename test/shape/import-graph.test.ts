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
  {
    from: '*',
    to: 'nx/plugin-layout.ts',
    why: "the plugin's layout of the workspace; nx/ has no face, as its plugin.ts is Nx's graph-time entry",
  },
  { from: '*', to: 'nx/names.ts', why: 'the project and target names, read where the layout is' },
  { from: 'generators/init/generator.ts', to: 'nx/clashes.ts', why: 'init refuses project names Nx would report as clashes' },
  { from: 'generators/init/generator.ts', to: 'nx/nx-json.ts', why: 'init registers the plugin in nx.json under its name' },
  { from: 'index.ts', to: 'nx/plugin.ts', why: "the package's entry is the plugin" },
  { from: 'tasks/*', to: 'cli/*', why: 'each Forge task loads only the command it runs (tasks/index.ts loads them lazily)' },
  { from: 'executors/*', to: 'cli/*', why: 'each executor runs the command of its name' },
  // Graph time: Nx loads the plugin before every command, so it loads single modules, not folders.
  { from: 'nx/*', to: 'codex/folders.ts', why: 'graph time: the Codex and extensions folders' },
  { from: 'nx/plugin-layout.ts', to: 'codex/anchors.ts', why: 'graph time: which folders hold a rune family' },
  { from: 'nx/plugin.ts', to: 'codex/extensions.ts', why: 'graph time: the one definition of an extension' },
  {
    from: 'nx/plugin.ts',
    to: 'codex/prime-scroll.ts',
    why: "graph time, loaded on a cache miss only: the Prime Scroll's settings, not the Codex loader",
  },
  { from: 'nx/plugin.ts', to: 'federation/sources.ts', why: 'graph time: the federation inputs, without the hook runner' },
  { from: 'nx/names.ts', to: 'toolchain/workspace-root.ts', why: 'graph time: the workspace root, without the tool runners' },
  { from: 'federation/sources.ts', to: 'codex/extensions.ts', why: 'graph time: the one definition of an extension' },
  // Each task and command loads what it runs: the codex face would add the loader and every rune schema.
  {
    from: 'federation/hooks.ts',
    to: 'codex/*',
    why: "each hook run: the registry, the anchors and the Vessel needs' rules, not the loader",
  },
  { from: 'scribe/*', to: 'codex/*', why: 'the Scribe runs once per rune folder on validated runes: no loader' },
  { from: 'tasks/*', to: 'codex/*', why: 'each task reads the Codex folders or one rune file: no loader' },
  {
    from: 'tasks/*',
    to: 'scribe/*',
    why: "each task loads its own renderer, or the facts it needs (a rune folder's runes, the runtimes that need shared memory), not every renderer and the toolchain",
  },
  { from: 'cli/*', to: 'codex/*', why: 'cli/paths.ts, loaded by every command, needs the Codex folders only; the others one module each' },
  { from: 'generators/*', to: 'codex/*', why: 'the generators write a Codex; they do not load one' },
  { from: 'synthesis/*', to: 'codex/*', why: 'the Codex folders, the registry and TOML helpers, not the loader' },
  { from: 'image/*', to: 'codex/*', why: 'the image stage reads the Prime Scroll and a few patterns, not the loader' },
  // The synthesis face brings the lockers (uv, npm, Tailwind).
  { from: 'federation/hooks.ts', to: 'synthesis/*', why: 'the hooks read components as synthesis finds them, without the lockers' },
  {
    from: 'image/*',
    to: 'synthesis/*',
    why: 'the image stage reads the Synthesis Manifest, its problems and TOML helpers, not the lockers',
  },
  { from: 'cli/*', to: 'synthesis/*', why: 'the input checks and the outdated report, without the lockers' },
  // Single modules of a heavier folder.
  { from: 'cli/flake.ts', to: 'image/sovereign/index.ts', why: 'the flake command loads the flake writer, not the image build' },
  { from: 'image/image.ts', to: 'inscription/lock.ts', why: 'the image build takes the Binding Site lock, not the Binding Site' },
  { from: 'cli/bind.ts', to: 'rebirth/host.ts', why: 'the bind command asks which services run, without the Rebirth Gate' },
  {
    from: 'cli/*',
    to: 'inscription/on-host.ts',
    why: 'the bind on this host checks secrets with the Scribe: kept out of the face binding-state.js loads',
  },
  { from: 'tasks/bind.ts', to: 'inscription/on-host.ts', why: 'the bind on this host, as above' },
  {
    from: 'inscription/on-host.ts',
    to: 'scribe/secrets.ts',
    why: 'the bind on this host checks that the secrets exist, without the renderers',
  },
  { from: '*', to: 'scribe/names.ts', why: 'the unit and service names, as the Scribe names them, without the renderers' },
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
