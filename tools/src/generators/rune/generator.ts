import * as path from 'node:path';
import { formatFiles, readJson, type Tree } from '@nx/devkit';
import { stringify } from 'smol-toml';
import { checkRuneText, FAMILIES, hasErrors, NAME_PATTERN } from '../../codex';
import { failure, ForgeError } from '../../diagnostics';
import { codexFoldersOfNxJson } from '../../nx/plugin-layout';

export interface RuneGeneratorOptions {
  /** Family folder: vllm, sglang, llamacpp, generic or portal. */
  family: string;
  name: string;
  image?: string;
  port?: number;
  /** The model inside the container (soulstones): `model_path`. */
  model?: string;
  provider?: string;
  groups?: string;
  codexDir?: string;
}

const FAMILY_IDS: Record<string, string> = {
  vllm: 'soulstone-vllm',
  sglang: 'soulstone-sglang',
  llamacpp: 'soulstone-llamacpp',
  generic: 'soulstone-generic',
  portal: 'portal',
};

/**
 * `nx g @lychd/forge:rune`: a new rune file in its family's anchor folder. The text is checked by
 * the same validation as every rune file before anything is written, so it never writes a rune
 * that `validate` (and so the Scribe) would refuse.
 */
export default async function runeGenerator(tree: Tree, options: RuneGeneratorOptions): Promise<void> {
  const family = FAMILIES.find((f) => f.id === FAMILY_IDS[options.family]);
  if (!family)
    throw failure('LYCHD802', `unknown family "${options.family}"`, { hint: `use one of ${Object.keys(FAMILY_IDS).join(', ')}` });
  if (!NAME_PATTERN.test(options.name))
    throw failure('LYCHD802', `"${options.name}" is not a valid rune name`, { hint: `use a name that matches ${NAME_PATTERN.source}` });
  const codexDir = options.codexDir ?? codexFoldersOfNxJson(tree.exists('nx.json') ? readJson(tree, 'nx.json') : undefined).codexDir;
  const relativePath = `${family.anchor}/${options.name}.toml`;
  const file = `${codexDir}/runes/${relativePath}`;
  if (tree.exists(file)) throw failure('LYCHD803', 'already exists', { file, hint: 'choose another name, or edit the rune that is there' });
  const rune: Record<string, unknown> = { name: options.name };
  if (family.kind === 'portal') {
    rune['provider'] = options.provider ?? 'openai-compatible';
  } else {
    if (!options.image || options.port === undefined) throw failure('LYCHD802', 'a soulstone needs --image and --port');
    rune['image'] = options.image;
    rune['port'] = options.port;
    if (options.model !== undefined) rune['model_path'] = options.model;
    const groups = (options.groups ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    if (groups.length) rune['groups'] = groups;
  }
  const text = `${stringify(rune).trimEnd()}\n`;
  const runeRoot = path.join(tree.root, codexDir, 'runes');
  const checked = checkRuneText({ runeRoot, relativePath, provider: 'codex' }, text);
  if (hasErrors(checked.diagnostics)) {
    throw new ForgeError(
      checked.diagnostics.filter((d) => d.severity === 'error'),
      'the new rune would not validate, so nothing was written:',
    );
  }
  tree.write(file, text);
  await formatFiles(tree);
}
