#!/usr/bin/env node
// Prints the version of a tool the Forge runs, for Nx `runtime` inputs: a missing tool prints a
// marker rather than failing, and the task that needs the tool reports it properly.
const name = process.argv[2];
let toolchain;
try {
  toolchain = require('./load')('toolchain/index');
} catch (e) {
  require('./fail')(e);
}
if (toolchain) {
  try {
    process.stdout.write(toolchain.resolveTool(name) ? `${name} ${toolchain.toolVersion(name)}\n` : `${name} missing\n`);
  } catch (e) {
    process.stdout.write(`${name} unknown: ${e.message}\n`);
  }
}
