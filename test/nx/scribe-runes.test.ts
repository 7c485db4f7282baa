import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runeFilesIn, scribeRunes } from '../../tools/src/tasks/scribe-runes';
import { factFiles } from '../../tools/src/tasks/facts';
import { renderFederatedSoulstones, renderSoulstones, soulstoneRoster } from '../../tools/src/scribe';
import { CASES, codexDirs, loadCase } from '../scribe/helpers';
import { copyExampleCodex } from '../support/codex-fixture';
import { tempDir } from '../support/temp';

const FAMILY_FOLDERS = [
  'animator/soulstones/generic',
  'animator/soulstones/llamacpp',
  'animator/soulstones/sglang',
  'animator/soulstones/vllm',
  'animator/portals',
];

/** Every rune folder of a case, relative to `root`: the folders the plugin makes projects of. */
function runeFolders(root: string, codexDir: string, extensionsDir: string): string[] {
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const runeRoots = [path.join(codexDir, 'runes')];
  if (fs.existsSync(extensionsDir)) for (const e of fs.readdirSync(extensionsDir)) runeRoots.push(path.join(extensionsDir, e, 'runes'));
  return runeRoots.flatMap((r) => FAMILY_FOLDERS.map((f) => rel(path.join(r, f)))).filter((f) => runeFilesIn(root, f).length > 0);
}

describe('the rune folder task (scribe-runes)', () => {
  // Each folder's task renders from its own files and the rune folders' facts: the union over the folders must
  // be exactly the soulstone units the whole Codex renders, or a folder's cache entry could be stale.
  it.each(CASES)('renders the same units, folder by folder, as the whole Codex (%s)', (name) => {
    const codex = loadCase(name);
    const dirs = codexDirs(name);
    const root = path.dirname(dirs.codexDir);
    const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
    // The facts exactly as codex:context writes them (the Prime Scroll's rune defaults included).
    const facts = JSON.parse(factFiles(codex, root, soulstoneRoster(codex)).get('scribe-context.json')!);
    const out = tempDir('lychd-runes-');
    const union = new Map<string, string>();
    for (const folder of runeFolders(root, dirs.codexDir, dirs.extensionsDir)) {
      const outputFile = path.relative(root, path.join(out, `${folder.replaceAll('/', '-')}.json`));
      const options = { folder, codexDir: rel(dirs.codexDir), extensionsDir: rel(dirs.extensionsDir), facts: 'unused', outputFile };
      expect(scribeRunes(options, root, facts, (l) => expect.fail(l))).toBe(true);
      const units = JSON.parse(fs.readFileSync(path.join(root, outputFile), 'utf8')) as Record<string, string>;
      for (const [file, text] of Object.entries(units)) {
        expect(union.has(file), `${file} rendered by two folders`).toBe(false);
        union.set(file, text);
      }
    }
    fs.rmSync(out, { recursive: true, force: true });
    // The soulstones no rune folder holds (registered by a hook, or an extension family's runes) are
    // the quadlets:scribe-federated aggregate's.
    for (const [file, text] of renderFederatedSoulstones(codex)) {
      expect(union.has(file), `${file} rendered by a folder and by the federated aggregate`).toBe(false);
      union.set(file, text);
    }
    expect([...union].sort()).toEqual([...renderSoulstones(codex)].sort());
  });

  it('reports every bad rune of the folder and writes nothing', () => {
    const codexDir = copyExampleCodex();
    const root = path.dirname(codexDir);
    const folder = 'codex/runes/animator/soulstones/llamacpp';
    fs.writeFileSync(path.join(root, folder, 'bad_one.toml'), 'name = "bad-one"\nimage = "ghcr.io/ggml-org/llama.cpp:server"\nport = 0\n');
    fs.writeFileSync(
      path.join(root, folder, 'bad_two.toml'),
      'name = "bad-two"\nimage = "ghcr.io/ggml-org/llama.cpp:server"\nport = 8797\nflavour = 1\n',
    );
    const lines: string[] = [];
    const codex = loadCase('example');
    const options = { folder, codexDir: 'codex', extensionsDir: 'extensions', facts: 'unused', outputFile: 'out/units.json' };
    expect(scribeRunes(options, root, { ...soulstoneRoster(codex), extensions: [] }, (l) => lines.push(l))).toBe(false);
    expect(lines.join('\n')).toContain(`${folder}/bad_one.toml:3:8: error[LYCHD105]: "port" must be between 1 and 65535`);
    expect(lines.join('\n')).toContain(`${folder}/bad_two.toml:4:1: error[LYCHD103]: unknown field "flavour"`);
    expect(fs.existsSync(path.join(root, 'out'))).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports a rune folder it cannot list as a diagnostic, not a crash', () => {
    const codexDir = copyExampleCodex();
    const root = path.dirname(codexDir);
    const folder = 'codex/runes/animator/soulstones/llamacpp';
    fs.rmSync(path.join(root, folder), { recursive: true });
    fs.writeFileSync(path.join(root, folder), 'not a folder');
    const logged: string[] = [];
    const options = { folder, codexDir: 'codex', extensionsDir: 'extensions', facts: 'unused', outputFile: 'out/x.json' };
    expect(scribeRunes(options, root, { soulstones: [] } as never, (l) => logged.push(l))).toBe(false);
    expect(logged).toEqual([`${folder}:1:1: error[LYCHD101]: cannot be read (ENOTDIR)`]);
  });
});
