// The generators of generators.json, loaded as the plugin entry is.
const load = require('./load');
exports.rune = load('generators/rune/generator').default;
