import { buildMundaneImage, type BuildOptions, type ImageSummary } from './image';
import { buildSovereignImage } from './sovereign/build';

/**
 * The one place `[forge] strategy` is dispatched: both paths write the same summary contract
 * (dist/forge/image/, docs/image.md).
 */
export async function buildImage(options: BuildOptions): Promise<ImageSummary> {
  const strategy = options.sources.prime.forge.strategy;
  switch (strategy) {
    case 'mundane':
      return buildMundaneImage(options);
    case 'sovereign':
      options.progress?.('Sovereign path: nix build of flake.nix, then the streamed image into an OCI layout');
      return buildSovereignImage({ workspaceRoot: options.workspaceRoot, env: options.env });
  }
}
