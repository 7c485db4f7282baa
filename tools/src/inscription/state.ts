import { randomUUID } from 'node:crypto';
import { isInstalled, readGeneration, resolveBindingSite } from './index';

/**
 * The Binding Site as seen by `quadlets:bind`'s cache: an Nx runtime input, run after the
 * generation is rendered. It names the site and the generation when the site already holds that
 * generation intact (a bind would change nothing), and is otherwise a line that never repeats.
 * So `quadlets:bind` is a cache hit only when it has nothing to do, however the site changed
 * since (a hand edit, a rollback, another checkout's bind); anything else runs it.
 */
export function bindingState(generationDir: string, env: NodeJS.ProcessEnv): string {
  let site = '(no Binding Site)';
  try {
    site = resolveBindingSite({ env });
    const generation = readGeneration(generationDir);
    if (isInstalled({ bindingSite: site }, generation)) return `bound ${generation.id} at ${site}`;
  } catch {
    // No site, no rendered generation: `bind` runs and reports it properly.
  }
  return `not bound at ${site}: ${randomUUID()}`;
}
