export * from './model';
export { displayPath, renderDiagnostic, renderDiagnostics } from './render';
export { ForgeError, failure } from './error';
export { reportFailure } from './handle';
