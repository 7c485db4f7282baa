// Loads one module of the package by its path under src/ (without extension). Where the package is
// installed it holds the compiled JavaScript in dist/ (built by `npm run build`, which `npm pack`
// runs), and nothing else is needed at run time. The Forge's own checkout has the TypeScript
// sources instead, run through register.js (swc, a development dependency of the workspace), so
// an edit is live at once and no build can go stale.
const fs = require('node:fs');
const path = require('node:path');

const SOURCES = fs.existsSync(path.join(__dirname, '../src/index.ts'));
if (SOURCES) require('./register');

module.exports = (module) => require(path.join(__dirname, SOURCES ? `../src/${module}.ts` : `../dist/${module}.js`));
