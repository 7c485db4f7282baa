import { ForgeError } from './errors';
import { buildMundaneImage, type BuildOptions, type ImageSummary } from './image';

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
      throw new ForgeError(
        'codex/lychd.toml: forge.strategy: "sovereign" (the Nix path) is not part of this build of the Forge yet.\n' +
          '  fix: set strategy = "mundane" to build from forge/Containerfile with buildah',
      );
  }
}
