export * from './model';
export { displayPath, escapeForTerminal, renderDiagnostic, renderDiagnostics } from './render';
export { ForgeError, failure } from './error';
export { reportFailure } from './handle';
