// The last handler of the entry points: what escaped the command's own (a module that does not
// load, a bug) is reported by the Forge's one handler, as one diagnostic without a stack trace
// unless LYCHD_DEBUG is set; when even that handler cannot be loaded, as one line with its code.
module.exports = (e) => {
  process.exitCode = 1;
  try {
    require('./load')('diagnostics/handle').reportFailure(e, (text) => console.error(text));
  } catch {
    console.error(`error[LYCHD900]: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.LYCHD_DEBUG && e instanceof Error && e.stack) console.error(e.stack);
  }
};
