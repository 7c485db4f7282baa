// The Nx plugin's entry. The sources are TypeScript, run through the Forge's own require hook, so
// the package needs no build step and no TypeScript loader in the workspace that installs it.
require('./register');
module.exports = require('../src/index.ts');
