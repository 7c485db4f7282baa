#!/usr/bin/env node
// Prints the Binding Site's state for the Nx runtime input of `quadlets:bind` (see src/inscription/state.ts).
try {
  const { bindingState } = require('./load')('inscription/state');
  process.stdout.write(`${bindingState(process.argv[2], process.env)}\n`);
} catch (e) {
  require('./fail')(e);
}
