import { ForgeError, type StageCode } from '../diagnostics';

/** Where a value came from, so an error can send the user to the right line of the right file. */
export interface ValueSource {
  /** The rune file (or `lychd.toml`) the value was written in. */
  file: string;
  /** Dotted field path inside that file, e.g. `env_vars.HF_HOME`. */
  field: string;
}

/**
 * A Codex the Scribe cannot turn into safe, correct Quadlets. Validation reports each of these
 * first, with a line and column; the Scribe keeps its own checks as the last line of defence.
 */
export class ScribeError extends ForgeError {
  readonly code: StageCode<'4'>;
  readonly file?: string;
  readonly field?: string;

  constructor(code: StageCode<'4'>, message: string, source?: ValueSource) {
    super([{ severity: 'error', code, message, file: source?.file, field: source?.field }]);
    this.code = code;
    this.name = 'ScribeError';
    this.file = source?.file;
    this.field = source?.field;
  }
}
