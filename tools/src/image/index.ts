export { forgeCacheDir } from '../shared/forge-cache';
export { baseSpecOf, ensureBase, BASE_RECORD_FILE, type BaseSpec } from './base';
export { containerfileData, renderContainerfile, CONTAINERFILE, CONTAINERFILE_TEMPLATE, type ContainerfileData } from './containerfile';
export { imageFailure } from './errors';
export { lockDebianPackages, outdatedDebian, workspaceBase, DEBIAN_LOCK_FILE } from './debian-lock';
export { IMAGE_DIR, REF_NAME, SYNTHESIS_LABEL, WORK_DIR } from './image';
// What the image stage writes: their contracts are the readers' (artifacts/).
export type { BaseRecord } from '../artifacts/base-record';
export type { ImageSummary } from '../artifacts/image-summary';
export { readForgeSources, type ForgeSources } from './inputs';
export { buildImage } from './strategy';
export { satisfiesRequiresPython } from './python';
export { currentContainerfile, writeContainerfile } from './render';
