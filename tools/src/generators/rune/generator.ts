import { formatFiles, type Tree } from '@nx/devkit';
import { stringify } from 'smol-toml';
import { FAMILIES, NAME_PATTERN } from '../../codex';

export interface RuneGeneratorOptions {
  /** Family folder: vllm, sglang, llamacpp, generic or portal. */
  family: string;
  name: string;
  image?: string;
  port?: number;
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

/** `nx g @lychd/forge:rune`: a new rune file in its family's anchor folder, valid from the start. */
export default async function runeGenerator(tree: Tree, options: RuneGeneratorOptions): Promise<void> {
  const family = FAMILIES.find((f) => f.id === FAMILY_IDS[options.family]);
  if (!family) throw new Error(`unknown family "${options.family}": use one of ${Object.keys(FAMILY_IDS).join(', ')}`);
  if (!NAME_PATTERN.test(options.name)) throw new Error(`"${options.name}" is not a valid rune name (${NAME_PATTERN.source})`);
  const file = `${options.codexDir ?? 'codex'}/runes/${family.anchor}/${options.name}.toml`;
  if (tree.exists(file)) throw new Error(`${file} already exists`);
  const rune: Record<string, unknown> = { name: options.name };
  if (family.kind === 'portal') {
    rune['provider'] = options.provider ?? 'openai-compatible';
  } else {
    if (!options.image || options.port === undefined) throw new Error('a soulstone needs --image and --port');
    rune['image'] = options.image;
    rune['port'] = options.port;
    const groups = (options.groups ?? '').split(',').map((g) => g.trim()).filter(Boolean);
    if (groups.length) rune['groups'] = groups;
  }
  const parsed = family.schema.safeParse(rune);
  if (!parsed.success) throw new Error(`the new rune would not be valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  tree.write(file, `${stringify(rune).trimEnd()}\n`);
  await formatFiles(tree);
}
