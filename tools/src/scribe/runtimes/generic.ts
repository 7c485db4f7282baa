import type { RuntimeAdapter } from './adapter';

/** A service without a dedicated adapter runs its image's own command (plus `extra_args`). */
export const generic: RuntimeAdapter = {
  runtime: 'generic',
  gpuByDefault: false,
  healthPath: undefined,
  synthesize: () => [],
};
