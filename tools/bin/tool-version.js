#!/usr/bin/env node
// Prints the version of a tool the Forge runs, for Nx `runtime` inputs: a missing tool prints a
// marker rather than failing, and the task that needs the tool reports it properly.
const { resolveTool, toolVersion } = require('./load')('toolchain/index');
const name = process.argv[2];
try {
  process.stdout.write(resolveTool(name) ? `${name} ${toolVersion(name)}\n` : `${name} missing\n`);
} catch (e) {
  process.stdout.write(`${name} unknown: ${e.message}\n`);
}
