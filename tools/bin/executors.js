// The executors of executors.json, through the same require hook as the plugin entry.
require('./register');
module.exports = require('../src/executors/index.ts');
