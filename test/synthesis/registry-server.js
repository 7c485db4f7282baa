// A minimal npm registry over a folder of tarballs, run as its own process so that the test
// process can block on spawnSync(npm) while the registry answers.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const root = process.argv[2];
const server = http.createServer((req, res) => {
  const url = decodeURIComponent((req.url || '/').split('?')[0]);
  // A name is `name` or `@scope/name`.
  const tarball = /^\/((?:@[^/]+\/)?[^/]+)\/-\/([^/]+\.tgz)$/.exec(url);
  if (tarball) {
    const file = path.join(root, tarball[1], tarball[2]);
    if (!fs.existsSync(file)) return notFound(res);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return res.end(fs.readFileSync(file));
  }
  const name = url.slice(1);
  const dir = path.join(root, name);
  if (!/^(@[^/.][^/]*\/)?[^/.@][^/]*$/.test(name) || !fs.existsSync(dir)) return notFound(res);
  const base = `http://${req.headers.host}`;
  const versions = {};
  const time = {};
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.tgz'))
    .sort()) {
    const data = fs.readFileSync(path.join(dir, file));
    const { _published, ...manifest } = JSON.parse(fs.readFileSync(path.join(dir, `${file}.json`), 'utf8'));
    if (_published) time[manifest.version] = _published;
    versions[manifest.version] = {
      ...manifest,
      dist: {
        tarball: `${base}/${name}/-/${file}`,
        shasum: crypto.createHash('sha1').update(data).digest('hex'),
        integrity: `sha512-${crypto.createHash('sha512').update(data).digest('base64')}`,
      },
    };
  }
  const latest = Object.keys(versions).sort().pop();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ name, 'dist-tags': { latest }, versions, ...(Object.keys(time).length ? { time } : {}) }));
});

function notFound(res) {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not found"}');
}

server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
