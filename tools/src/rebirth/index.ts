export { GateError, type GateOptions } from './gate';
export { stage, type StageInput } from './stage';
export { review, formatReview, type Review } from './review';
export { confirm, rollbackBody, type SwitchResult } from './switch';
export { realHost, CURRENT_TAG, CANDIDATE_TAG, PREVIOUS_TAG, type Host } from './host';
export { defaultGateDir } from './store';
export { readImageSummary, shortId, type GateImageSummary } from './summary';
export { baseChange, packageChanges } from './changes';
