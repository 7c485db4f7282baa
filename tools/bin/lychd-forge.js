#!/usr/bin/env node
// The command line: the same core the Nx plugin runs.
Promise.resolve()
  .then(() => require('./load')('cli/main').main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch(require('./fail'));
