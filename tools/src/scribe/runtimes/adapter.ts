import type { SoulstoneRune } from '../../codex';

/** Builds a runtime's command-line flags from its rune; one module per runtime family. */
export interface RuntimeAdapter {
  runtime: string;
  /** Whether the runtime wants the GPU when the rune does not say. */
  gpuByDefault: boolean;
  /** Path on the runtime's port that answers 2xx once the model is loaded; none for the generic runtime. */
  healthPath: string | undefined;
  /** The synthesized command (without `extra_args`); empty means the image's default command. */
  synthesize(rune: SoulstoneRune): string[];
}

/** `[flag, value]` when the value is set, nothing otherwise. */
export const opt = (flag: string, value: string | number | undefined): string[] => (value === undefined ? [] : [flag, String(value)]);
