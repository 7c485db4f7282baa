#!/usr/bin/env node
// Prints the version of a tool the Forge runs, for Nx `runtime` inputs: a missing tool prints a
// marker rather than failing, and the task that needs the tool reports it properly.
const name = process.argv[2];
let tools;
try {
  tools = require('./load')('toolchain/tools');
} catch (e) {
  require('./fail')(e);
}
if (tools) {
  try {
    const version = tools.installedToolVersion(name);
    process.stdout.write(version ? `${name} ${version}\n` : `${name} missing\n`);
  } catch (e) {
    process.stdout.write(`${name} unknown: ${e.message}\n`);
  }
}
