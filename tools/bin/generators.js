// The generators of generators.json, loaded as the plugin entry is.
const load = require('./load');
exports.init = load('generators/init/generator').default;
exports.rune = load('generators/rune/generator').default;
