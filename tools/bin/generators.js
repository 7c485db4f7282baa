// The generators of generators.json, through the same require hook as the plugin entry.
require('./register');
exports.rune = require('../src/generators/rune/generator.ts').default;
