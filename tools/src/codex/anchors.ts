/**
 * Where each rune family's files live, under `runes/`. Plain data, so the Nx plugin can name the
 * rune folders without loading the schemas.
 */
export const FAMILY_ANCHORS = {
  'soulstone-generic': 'animator/soulstones/generic',
  'soulstone-llamacpp': 'animator/soulstones/llamacpp',
  'soulstone-vllm': 'animator/soulstones/vllm',
  'soulstone-sglang': 'animator/soulstones/sglang',
  portal: 'animator/portals',
} as const;

/** Folders that only group other anchors; a file directly inside one is misplaced. */
export const BRANCH_ANCHORS = ['animator', 'animator/soulstones'] as const;

export const isFamilyAnchor = (anchor: string): boolean => (Object.values(FAMILY_ANCHORS) as string[]).includes(anchor);
