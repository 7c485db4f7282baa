export {
  renderFlake,
  flakeModel,
  mapSystemPackages,
  FLAKE_FILE,
  FLAKE_LOCK,
  FLAKE_TEMPLATE,
  type FlakeModel,
  type FlakeOptions,
} from './flake';
export { writeFlake, checkFlake } from './flake-files';
export { DEBIAN_TO_NIXPKGS } from './nixpkgs-table';
export { FLAKE_INPUTS } from './pins';
export {
  buildSovereignImage,
  loadDockerArchive,
  nixVersionProblem,
  SovereignBuildError,
  MIN_NIX,
  type SovereignBuildOptions,
} from './build';
export { writeImageSummary, REF_NAME, SYNTHESIS_LABEL } from '../summary';
