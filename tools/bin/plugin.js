// The Nx plugin's entry: the compiled package where it is installed, the sources in the Forge's
// own checkout (see load.js).
module.exports = require('./load')('index');
