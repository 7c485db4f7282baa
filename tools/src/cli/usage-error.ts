/** A command line that cannot mean anything: printed with the usage hint, exit status 2. */
export class UsageError extends Error {}
