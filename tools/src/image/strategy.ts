import { buildMundaneImage, type BuildOptions } from './image';
import type { ImageSummary } from '../artifacts/image-summary';
import { buildSovereignImage } from './sovereign/build';
import { componentTreeProblems } from '../synthesis/discovery';
import { imageFailure } from './errors';

/**
 * The one place `[forge] strategy` is dispatched: both paths write the same summary contract
 * (dist/forge/image/, docs/image.md).
 */
export async function buildImage(options: BuildOptions): Promise<ImageSummary> {
  // Both paths copy the components' trees: what the tree walker refuses stops the build before anything is built.
  const refused = componentTreeProblems(
    options.workspaceRoot,
    options.sources.manifest.components.map((c) => c.path),
  );
  if (refused.length) throw imageFailure('LYCHD305', 'the components hold what no image may hold; nothing was built:', refused);
  const strategy = options.sources.prime.forge.strategy;
  switch (strategy) {
    case 'mundane':
      return buildMundaneImage(options);
    case 'sovereign':
      options.progress?.('Sovereign path: nix build of flake.nix, then the streamed image into an OCI layout');
      return buildSovereignImage({ workspaceRoot: options.workspaceRoot, env: options.env });
  }
}
