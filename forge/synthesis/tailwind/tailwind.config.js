// Synthesized by the LychD Forge from the active extensions' tailwind configs: do not edit.
'use strict';
const path = require('node:path');

const sources = [
  { dir: "../../../extensions/atelier", config: require("./../../../extensions/atelier/tailwind.config.js") },
  { dir: "../../../extensions/oracle", config: require("./../../../extensions/oracle/tailwind.config.js") },
];

// Content globs are relative to the extension that declares them.
function rebase(dir, entry) {
  if (typeof entry !== 'string') return entry;
  const negated = entry.startsWith('!');
  const glob = negated ? entry.slice(1) : entry;
  return (negated ? '!' : '') + path.join(__dirname, dir, glob).split(path.sep).join('/');
}

function contentOf({ dir, config }) {
  const content = config.content ?? [];
  const files = Array.isArray(content) ? content : content.files ?? [];
  return files.map((entry) => rebase(dir, entry));
}

module.exports = {
  presets: sources.map(({ config }) => ({ ...config, content: [] })),
  content: sources.flatMap(contentOf),
};
