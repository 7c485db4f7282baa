import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsTree } from 'nx/src/generators/tree';
import { describe, expect, it } from 'vitest';
import { HOOK_VENV } from '../../tools/src/federation/hooks';
import { WORK_DIR } from '../../tools/src/image/image';
import initGenerator, { GITIGNORE_LINES, type InitGeneratorOptions } from '../../tools/src/generators/init/generator';
import { pluginLayout } from '../../tools/src/nx/plugin-layout';
import { WORKSPACE, writeTree } from '../support/codex-fixture';

/** A workspace on disk, as `nx g` sees it: the generator's clash check reads the other projects there. */
function workspace(files: Record<string, string> = {}) {
  const root = writeTree({ 'nx.json': '{}\n', '.gitignore': 'node_modules\n', ...files }, 'lychd-init-');
  return { root, tree: new FsTree(root, false) };
}

const init = (tree: FsTree, options: InitGeneratorOptions) => initGenerator(tree, options);
const nxJsonOf = (tree: FsTree) => JSON.parse(tree.read('nx.json', 'utf-8')!) as { plugins?: unknown[] };

describe('nx g @lychd/forge:init', () => {
  it('registers the plugin with its options, adds the .gitignore lines and the templates; run again it changes nothing', async () => {
    const { tree } = workspace();
    await init(tree, { codexDir: './deploy/codex/', extensionsDir: 'deploy/extensions', projectPrefix: 'lychd-' });
    expect(nxJsonOf(tree).plugins).toEqual([
      { plugin: '@lychd/forge', options: { codexDir: 'deploy/codex', extensionsDir: 'deploy/extensions', projectPrefix: 'lychd-' } },
    ]);
    expect(tree.read('.gitignore', 'utf-8')).toBe(
      `node_modules\n\n# The LychD Forge (nx g @lychd/forge:init)\n${GITIGNORE_LINES.join('\n')}\n`,
    );
    expect(tree.read('forge/templates/Containerfile.njk', 'utf-8')).toBe(
      fs.readFileSync(path.join(WORKSPACE, 'forge/templates/Containerfile.njk'), 'utf8'),
    );
    expect(tree.exists('deploy/codex/lychd.toml')).toBe(false);

    const again = new FsTree(flush(tree), false);
    await init(again, { codexDir: 'deploy/codex', extensionsDir: 'deploy/extensions', projectPrefix: 'lychd-' });
    expect(again.listChanges()).toEqual([]);
  });

  it('refuses options other than those nx.json registers, changing nothing', async () => {
    const { tree } = workspace({
      'nx.json': JSON.stringify({ plugins: [{ plugin: '@lychd/forge', options: { codexDir: 'ops/codex' } }] }),
    });
    await expect(init(tree, { codexDir: 'deploy/codex' })).rejects.toThrow(
      /nx\.json: error\[LYCHD802\]: @lychd\/forge is registered already, with codexDir "ops\/codex", extensionsDir \(default\), projectPrefix \(default\); this run asked for codexDir "deploy\/codex", extensionsDir "extensions", projectPrefix \(default\) \[plugins\][\s\S]*nothing was changed/,
    );
    // The same options, spelt as nx.json has them or as the defaults: already done.
    await init(tree, { codexDir: 'ops/codex/' });
    expect(tree.listChanges().map((c) => c.path)).not.toContain('nx.json');
  });

  it('writes the shipped example into the chosen folders; a different file there is reported and nothing is written', async () => {
    const { tree } = workspace();
    await init(tree, { codexDir: 'deploy/codex', extensionsDir: 'deploy/extensions', projectPrefix: 'x-', example: true });
    for (const [from, to] of [
      ['codex/runes/scriptorium/codices/ledger.toml', 'deploy/codex/runes/scriptorium/codices/ledger.toml'],
      ['core/pyproject.toml', 'core/pyproject.toml'],
      ['extensions/oracle/src/oracle/__init__.py', 'deploy/extensions/oracle/src/oracle/__init__.py'],
    ])
      expect(tree.read(to!, 'utf-8')).toBe(fs.readFileSync(path.join(WORKSPACE, from!), 'utf8'));

    const { tree: other } = workspace({ 'codex/lychd.toml': '# mine\n', 'core/pyproject.toml': '[project]\nname = "mine"\n' });
    await expect(init(other, { example: true })).rejects.toThrow(
      /nothing was written\.\ncodex\/lychd\.toml: error\[LYCHD803\]: the example would replace this file, which differs from it[\s\S]*core\/pyproject\.toml: error\[LYCHD803\]: the example would replace this file/,
    );
    expect(other.listChanges()).toEqual([]);
  });

  it('refuses a prefix whose project names another project has, naming --projectPrefix; nothing is written', async () => {
    const { tree } = workspace({ 'apps/forge/project.json': '{ "name": "forge" }', 'apps/ops/project.json': '{ "name": "ops-quadlets" }' });
    await expect(init(tree, {})).rejects.toThrow(
      /apps\/forge\/project\.json: error\[LYCHD803\]: project "forge" \(apps\/forge\/\) has the name the @lychd\/forge plugin gives its project for forge\/[\s\S]*run init again with a --projectPrefix, e\.g\. --projectPrefix=lychd-/,
    );
    await expect(init(tree, { projectPrefix: 'ops-' })).rejects.toThrow(
      /project "ops-quadlets"[\s\S]*run init again with another --projectPrefix/,
    );
    // The example's rune folders and extensions are projects too.
    const { tree: runes } = workspace({ 'apps/r/project.json': '{ "name": "runes-vllm" }' });
    await expect(init(runes, { example: true })).rejects.toThrow(
      /project "runes-vllm" \(apps\/r\/\) has the name the @lychd\/forge plugin gives its project for codex\/runes\/animator\/soulstones\/vllm\//,
    );
    expect([...tree.listChanges(), ...runes.listChanges()]).toEqual([]);
    await init(tree, { projectPrefix: 'lychd-' });
    expect(nxJsonOf(tree).plugins).toHaveLength(1);
  });

  it('refuses a folder outside the workspace and a prefix that cannot start a project name', async () => {
    const { tree } = workspace();
    await expect(init(tree, { codexDir: '../codex' })).rejects.toThrow(
      /option codexDir is "\.\.\/codex", not a folder inside the workspace/,
    );
    await expect(init(tree, { projectPrefix: 'My Prefix' })).rejects.toThrow(
      /option projectPrefix is "My Prefix", not a project name prefix/,
    );
    expect(tree.listChanges()).toEqual([]);
  });

  it('ignores every folder the Forge writes and does not commit', () => {
    const layout = pluginLayout({}, WORKSPACE);
    const ignored = GITIGNORE_LINES.map((l) => l.replace(/^\//, '').replace(/\/$/, ''));
    expect(ignored).toEqual(expect.arrayContaining(['.tools', layout.distDir, layout.generationDir, HOOK_VENV, WORK_DIR]));
  });
});

/** Writes the tree's changes to disk, as `nx g` does at its end; the workspace's root. */
function flush(tree: FsTree): string {
  for (const change of tree.listChanges()) {
    const file = path.join(tree.root, change.path);
    if (change.type === 'DELETE') fs.rmSync(file, { force: true });
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, change.content!);
    }
  }
  return tree.root;
}
