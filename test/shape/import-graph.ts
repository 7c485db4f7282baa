import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/**
 * The import graph of tools/src, read with the TypeScript parser: every relative import, re-export,
 * `import()` and `import('…')` type, as an edge between two files (paths relative to the source
 * folder, with `/` separators).
 */
export interface Edge {
  from: string;
  to: string;
  /** `type`: erased at run time; `lazy`: an `import()` call, loaded when it runs. */
  kind: 'value' | 'type' | 'lazy';
  line: number;
}

export function sourceFiles(srcDir: string, dir = srcDir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sourceFiles(srcDir, path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    )
    .map((f) => (path.isAbsolute(f) ? path.relative(srcDir, f).split(path.sep).join('/') : f))
    .sort();
}

function resolve(srcDir: string, from: string, specifier: string): string | undefined {
  const target = path.resolve(srcDir, path.dirname(from), specifier);
  const found = [`${target}.ts`, path.join(target, 'index.ts'), target].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  return found && path.relative(srcDir, found).split(path.sep).join('/');
}

const allTypes = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>) =>
  elements.length > 0 && elements.every((e) => e.isTypeOnly);

function importOf(node: ts.Node): { specifier: string; kind: Edge['kind'] } | undefined {
  if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
    const clause = node.importClause;
    const typeOnly =
      !!clause &&
      (clause.isTypeOnly ||
        (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && allTypes(clause.namedBindings.elements)));
    return { specifier: node.moduleSpecifier.text, kind: typeOnly ? 'type' : 'value' };
  }
  if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
    const typeOnly =
      node.isTypeOnly || (!!node.exportClause && ts.isNamedExports(node.exportClause) && allTypes(node.exportClause.elements));
    return { specifier: node.moduleSpecifier.text, kind: typeOnly ? 'type' : 'value' };
  }
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const [argument] = node.arguments;
    if (argument && ts.isStringLiteralLike(argument)) return { specifier: argument.text, kind: 'lazy' };
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal))
    return { specifier: node.argument.literal.text, kind: 'type' };
  return undefined;
}

export function importGraph(srcDir: string): { files: string[]; edges: Edge[] } {
  const files = sourceFiles(srcDir);
  const edges: Edge[] = [];
  for (const from of files) {
    const source = ts.createSourceFile(from, fs.readFileSync(path.join(srcDir, from), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      const found = importOf(node);
      if (found?.specifier.startsWith('.')) {
        const to = resolve(srcDir, from, found.specifier);
        if (!to) throw new Error(`${from}: cannot resolve ${found.specifier}`);
        edges.push({ from, to, kind: found.kind, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { files, edges };
}

/** The folder of tools/src a file belongs to (`.` for the files at its top). */
export const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

/**
 * The cycles of a graph: its strongly connected components of more than one node, or of one node
 * that imports itself (Tarjan's algorithm), each sorted, in a stable order.
 */
export function cycles(nodes: string[], edges: Array<{ from: string; to: string }>): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || next.get(node)!.includes(node)) found.push(component.sort());
  };
  for (const node of nodes) if (!index.has(node)) connect(node);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** An import allowed to reach past a folder's face; `from` and `to` may end in `*` (any file under that folder). */
export interface Allowance {
  from: string;
  to: string;
  why: string;
}

const matches = (pattern: string, file: string) => (pattern.endsWith('*') ? file.startsWith(pattern.slice(0, -1)) : file === pattern);

/**
 * The imports that reach into another folder of tools/src past its face (its index.ts), and the
 * allowances that no import uses any more.
 */
export function pastTheFace(edges: Edge[], allowed: Allowance[]): { violations: Edge[]; unused: Allowance[] } {
  const crossing = edges.filter(
    (e) => folderOf(e.to) !== '.' && folderOf(e.from) !== folderOf(e.to) && e.to !== `${folderOf(e.to)}/index.ts`,
  );
  const used = new Set<Allowance>();
  const violations = crossing.filter((e) => {
    const allowance = allowed.find((a) => matches(a.from, e.from) && matches(a.to, e.to));
    if (allowance) used.add(allowance);
    return !allowance;
  });
  return { violations, unused: allowed.filter((a) => !used.has(a)) };
}
