// The executors of executors.json, loaded as the plugin entry is.
module.exports = require('./load')('executors/index');
