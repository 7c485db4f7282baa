/** The Codex speaks the Forge's one error model; its diagnostics always have a place. */
export {
  displayPath,
  error,
  escapeForTerminal,
  hasErrors,
  renderDiagnostic,
  sortDiagnostics,
  START,
  warning,
  type Code,
  type LocatedDiagnostic,
  type Position,
} from '../diagnostics';
