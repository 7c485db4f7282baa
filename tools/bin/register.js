// Runs the TypeScript sources directly in the Forge's own checkout (load.js): each .ts file is
// compiled to CommonJS by swc as it is required. The package as installed runs its compiled
// JavaScript and does not ship this file. @swc-node/register would read tsconfig through the
// TypeScript compiler first, a third of a second per process; the sources need nothing from
// tsconfig (no path aliases, isolated modules). `node bench/register.mjs` measures both on a
// `validate` of the example: @swc-node/register took 1.55x as long (0.53 s against 0.34 s,
// medians of 7), so this hook stays.
//
// Each compiled file is kept in node_modules/.cache/lychd-forge-swc under the digest of swc's
// version, these options and the source (swc's output does not depend on the file's path), so a
// process loads swc and compiles only what changed: every Nx task and command of the checkout is a
// process of its own, and compiling its hundred modules was a fifth of its CPU.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const OPTIONS = {
  swcrc: false,
  configFile: false,
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};

const swcPackage = require.resolve('@swc/core/package.json');
const SALT = `${JSON.parse(fs.readFileSync(swcPackage, 'utf8')).version}\0${JSON.stringify(OPTIONS)}\0`;
// Beside swc itself, where workspace copies that link node_modules share it.
const CACHE = path.join(fs.realpathSync(path.dirname(swcPackage)), '..', '..', '.cache', 'lychd-forge-swc');

let swc;
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = path.join(CACHE, `${crypto.createHash('sha256').update(SALT).update(source).digest('hex')}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    swc ??= require('@swc/core');
    code = swc.transformSync(source, { ...OPTIONS, filename }).code;
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      // Whole or not at all: another process may read it at any moment.
      const partial = `${cached}.${process.pid}.partial`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // A cache that cannot be written (a read-only node_modules) only costs the compile.
    }
  }
  module._compile(code, filename);
};
