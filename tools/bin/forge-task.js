#!/usr/bin/env node
// Runs one Forge task of the Nx graph (see src/tasks/index.ts), from the workspace root.
Promise.resolve()
  .then(() => require('./load')('tasks/index').main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch(require('./fail'));
