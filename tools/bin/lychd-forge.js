#!/usr/bin/env node
// The command line runs the TypeScript core directly, as the Nx plugin does.
require('./register');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
