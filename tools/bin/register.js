// Runs the TypeScript sources directly in the Forge's own checkout (load.js): each .ts file is
// compiled to CommonJS by swc as it is required. The package as installed runs its compiled
// JavaScript and does not ship this file. @swc-node/register would read tsconfig through the
// TypeScript compiler first, a third of a second per process; the sources need nothing from
// tsconfig (no path aliases, isolated modules). `node bench/register.mjs` measures both on a
// `validate` of the example: @swc-node/register took 1.55x as long (0.53 s against 0.34 s,
// medians of 7), so this hook stays.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const OPTIONS = {
  swcrc: false,
  configFile: false,
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};

require.extensions['.ts'] = (module, filename) => {
  module._compile(transformSync(fs.readFileSync(filename, 'utf8'), { ...OPTIONS, filename }).code, filename);
};
