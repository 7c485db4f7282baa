export { stage, review, formatReview, confirm, rollbackBody, GateError } from './gate';
export type { GateOptions, Review, StageInput, SwitchResult } from './gate';
export { realHost, CURRENT_TAG, CANDIDATE_TAG, PREVIOUS_TAG, type Host } from './host';
export { defaultGateDir } from './store';
export { readImageSummary, shortId, type ImageSummary } from './summary';
export { baseChange, packageChanges, fileChanges, servicesChanged, serviceOf } from './changes';
