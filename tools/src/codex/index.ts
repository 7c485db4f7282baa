export * from './diagnostics';
export * from './families';
export * from './model';
export { installedExtensions, loadCodex, runeFiles, type LoadOptions, type LoadResult } from './load';
export { loadPrimeScroll, readScrollSettings, scrollSettings, type ScrollSettings } from './prime-scroll';
export { DEFAULT_LAYOUT, PRIME_SCROLL, layoutOf, primeScrollPath, type CodexLayout, type CodexOptions } from './layout';
export { checkRuneText, loadRuneFile, placementProblems, type RuneFileRef } from './load-rune';
export { coreServicePorts, isFullyQualified } from './cross-rune-rules';
export { llamacppMode, type LlamacppMode } from './rune-rules';
export { RULES, runeRules } from './rules';
export type { LocatedRune, Rule } from './rule';
export { VESSEL_USER } from './vessel-user';
export { primeScroll, DEFAULT_VESSEL_IMAGE, MIN_PODMAN_VERSION, type PrimeScroll } from './schemas/prime';
export type { SoulstoneConfig, GenericSoulstone, VllmSoulstone, SglangSoulstone, LlamacppSoulstone } from './schemas/soulstone';
export type { PortalConfig } from './schemas/portal';
export { NAME_PATTERN, SECRET_PATTERN, ENV_NAME_PATTERN } from './schemas/common';
export {
  extensionAnchors,
  registeredRunes,
  schemaDiagnostics,
  type AnchoredRune,
  type ExtensionAnchor,
  type FederationInput,
} from './federated';
