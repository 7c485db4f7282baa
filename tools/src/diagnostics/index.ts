export { CODES, type Code, type CodeInfo, type StageCode } from './codes';
export * from './model';
export { displayPath, escapeForTerminal, renderDiagnostic, renderDiagnostics } from './render';
export { causesOf, ForgeError, failure } from './error';
export { reportFailure } from './handle';
export { errorReference } from './reference';
