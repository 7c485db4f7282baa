/**
 * The format each JSON artifact is written in (its `formatVersion`): the writer writes it, the
 * reader refuses any other and says what to run. A change to an artifact's fields that an older
 * reader would misread is a new number.
 */
export const MANIFEST_FORMAT = 1;
export const REGISTRY_FORMAT = 1;
export const IMAGE_SUMMARY_FORMAT = 1;
export const FEDERATION_SOURCES_FORMAT = 1;
/** The first named the base's packages without their files. */
export const DEBIAN_LOCK_FORMAT = 2;
