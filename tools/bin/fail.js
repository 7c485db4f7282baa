// The last handler of the entry points: what escaped the command's own (a module that does not
// load, a bug) is reported by the Forge's one handler, as one diagnostic without a stack trace
// unless LYCHD_DEBUG is set; when even that handler cannot be loaded, as one line with its code.
module.exports = (e) => {
  process.exitCode = 1;
  try {
    require('./load')('diagnostics/handle').reportFailure(e, (text) => console.error(text));
  } catch {
    // Control characters shown as escapes: the message may carry a file's or a tool's text.
    const plain = (text) =>
      text.replace(
        // eslint-disable-next-line no-control-regex
        /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
        (c) => `\\u{${c.codePointAt(0).toString(16)}}`,
      );
    console.error(`error[LYCHD900]: ${plain(e instanceof Error ? e.message : String(e))}`);
    if (process.env.LYCHD_DEBUG && e instanceof Error && e.stack) console.error(plain(e.stack));
  }
};
