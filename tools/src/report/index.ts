export { checked, refused, type Drift, type Outcome } from './outcome';
export { driftText, printFailure, printOutcome, progressTo, stdio, type Sink, type Streams } from './print';
