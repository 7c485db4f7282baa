/** Where a value came from, so an error can send the user to the right line of the right file. */
export interface ValueSource {
  /** The rune file (or `lychd.toml`) the value was written in. */
  file: string;
  /** Dotted field path inside that file, e.g. `env_vars.HF_HOME`. */
  field: string;
}

/** A Codex the Scribe cannot turn into safe, correct Quadlets. */
export class ScribeError extends Error {
  readonly file?: string;
  readonly field?: string;

  constructor(message: string, source?: ValueSource) {
    super(source ? `${source.file} [${source.field}]: ${message}` : message);
    this.name = 'ScribeError';
    this.file = source?.file;
    this.field = source?.field;
  }
}
