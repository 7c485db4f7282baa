export { federate, runHooks, readRecords, DEFAULT_HOOK_TIMEOUT_MS, HOOK_GROUP, HOOK_VENV, type HookOptions } from './hooks';
export { federationState, writeFederationSources, FEDERATION_SOURCES_FILE } from './sources';
