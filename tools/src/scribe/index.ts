/** The Rune Scribe: validated runes in, the Sepulcher's Quadlet files out. */
export { soulstoneRoster, type SoulstoneRoster, type RosterSoulstone } from './roster';
export { covenMap, covenTable, covenMermaid, covenTargets, covenTargetTable, type CovenRow, type CovenTargetRow } from './coven-map';
export { conflicts, conflictsOf, orderedAfter, startsWithPod, startsOnItsOwn, covenNames, covenMembers, checkStartSet } from './covens';
export { renderCovenTargets, covenTargetUnitFile } from './coven-targets';
export { ScribeError, type ValueSource } from './errors';
export { renderSoulstone, soulstoneUnitFile } from './soulstone';
export { renderPod } from './pod';
export { renderCoreServices } from './core';
export { renderObservability } from './observability';
export { renderCapabilities, type CapabilityEntry } from './capabilities';
export { renderFederatedSoulstones, fromRuneFolder } from './federated';
export { assembleGeneration, renderGeneration, renderSoulstones, writeGeneration } from './generation';
export { requiredSecrets, checkSecretsExist, createCommand, type RequiredSecret, type SecretCheck } from './secrets';
export { containerCommand, gpuDevices, adapterFor, llamacppMode } from './runtimes';
export { serializeUnit, supports, type UnitFile, type Section, type Entry, type Value } from './unit';
export { KEY_TABLE, FORBIDDEN_ON_MEMBERS, keySpec, type SectionName } from './keys';
export { podmanVersion, MIN_PODMAN_VERSION, type PodmanVersion } from './version';
export { POD_FILE, CAPABILITIES_FILE, soulstoneFile, soulstoneUnit, serviceForFile, covenTarget } from './names';
