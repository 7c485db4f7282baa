import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse as parseToml } from 'smol-toml';
import { tempDir as removedAtExit } from '../support/temp';

export function tempDir(prefix: string): string {
  return removedAtExit(`lychd-synth-${prefix}-`);
}

export function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

// ---- wheels: a zip of the module, METADATA, WHEEL and RECORD, stored uncompressed ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip(entries: Array<[string, string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(0x00210000, 10); // fixed DOS date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface WheelSpec {
  name: string;
  version: string;
  requires?: string[];
  /** When the wheel was uploaded (an RFC 3339 time), served as uv reads it from an HTML index (`data-upload-time`). */
  uploaded?: string;
}

/**
 * A PEP 503 simple index on disk, each link carrying `#sha256=`, so uv records hashes and
 * resolves with `--offline`. Returns the index URL and each wheel's sha256.
 */
export function buildPythonIndex(root: string, wheels: WheelSpec[]): { url: string; sha256: Record<string, string> } {
  const sha256: Record<string, string> = {};
  const byProject = new Map<string, string[]>();
  for (const w of wheels) {
    const mod = w.name.replace(/-/g, '_');
    const dist = `${mod}-${w.version}`;
    const file = `${dist}-py3-none-any.whl`;
    const metadata = [
      'Metadata-Version: 2.1',
      `Name: ${w.name}`,
      `Version: ${w.version}`,
      ...(w.requires ?? []).map((r) => `Requires-Dist: ${r}`),
      '',
    ].join('\n');
    const wheelInfo = 'Wheel-Version: 1.0\nGenerator: lychd-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n';
    const init = `__version__ = "${w.version}"\n`;
    const record = [
      `${mod}/__init__.py,,`,
      `${dist}.dist-info/METADATA,,`,
      `${dist}.dist-info/WHEEL,,`,
      `${dist}.dist-info/RECORD,,`,
      '',
    ].join('\n');
    const data = zip([
      [`${mod}/__init__.py`, init],
      [`${dist}.dist-info/METADATA`, metadata],
      [`${dist}.dist-info/WHEEL`, wheelInfo],
      [`${dist}.dist-info/RECORD`, record],
    ]);
    const dir = path.join(root, 'files');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, file), data);
    sha256[file] = createHash('sha256').update(data).digest('hex');
    const links = byProject.get(w.name) ?? [];
    const uploaded = w.uploaded ? ` data-upload-time="${w.uploaded}"` : '';
    links.push(`<a href="${pathToFileURL(path.join(dir, file)).href}#sha256=${sha256[file]}"${uploaded}>${file}</a><br/>`);
    byProject.set(w.name, links);
  }
  const names = [...byProject.keys()].sort();
  write(path.join(root, 'simple', 'index.html'), `<html><body>${names.map((n) => `<a href="${n}/">${n}</a>`).join('')}</body></html>\n`);
  for (const [name, links] of byProject)
    write(path.join(root, 'simple', name, 'index.html'), `<html><body>\n${links.join('\n')}\n</body></html>\n`);
  return { url: pathToFileURL(path.join(root, 'simple')).href, sha256 };
}

// ---- npm: tarballs from `npm pack`, served by a registry process ----

export interface NpmSpec {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  /** When the version was published (an ISO time): the packument's `time`, which npm's --before reads. */
  published?: string;
}

export interface LocalRegistry {
  url: string;
  /** SRI integrity of each `name@version`. */
  integrity: Record<string, string>;
  stop(): void;
}

export async function startNpmRegistry(root: string, packages: NpmSpec[]): Promise<LocalRegistry> {
  const integrity = publishNpm(root, packages);
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'registry-server.js'), path.join(root, 'registry')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`registry exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, integrity, stop: () => child.kill() };
}

/** A gzipped tar of the files, as `npm pack` writes one: ustar headers, fixed owner and time. */
function tgz(entries: Array<[string, string]>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const header = Buffer.alloc(512);
    const field = (value: string, at: number) => header.write(value, at, 'ascii');
    field(name, 0);
    field('0000644\0', 100);
    field('0000000\0', 108);
    field('0000000\0', 116);
    field(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    field('00000000000\0', 136); // a fixed time, as npm pack writes
    field('        ', 148);
    field('0', 156);
    field('ustar\0' + '00', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    field(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]));
}

/**
 * Packs each package into the registry's folder, which the running registry reads on every request;
 * their integrity. Written in process rather than by `npm pack`: a registry of a whole lock holds
 * dozens of packages, and the test worker must keep answering vitest meanwhile.
 */
export function publishNpm(root: string, packages: NpmSpec[]): Record<string, string> {
  const integrity: Record<string, string> = {};
  for (const p of packages) {
    const manifest = { name: p.name, version: p.version, main: 'index.js', license: 'MIT', dependencies: p.dependencies };
    const data = tgz([
      ['package/package.json', `${JSON.stringify(manifest, null, 2)}\n`],
      ['package/index.js', `module.exports = ${JSON.stringify(p.version)};\n`],
    ]);
    const out = path.join(root, 'registry', p.name);
    const file = `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`;
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, file), data);
    fs.writeFileSync(path.join(out, `${file}.json`), JSON.stringify({ ...manifest, _published: p.published }));
    integrity[`${p.name}@${p.version}`] = `sha512-${createHash('sha512').update(data).digest('base64')}`;
  }
  return integrity;
}

/**
 * The packages a workspace's committed locks name (forge/synthesis/python/uv.lock and
 * node/package-lock.json), each version with its dependencies, as a local index and registry:
 * the workspace then locks offline, as it would against PyPI and npm. Returns the environment
 * that points uv and npm at them.
 */
export async function mirrorLocks(root: string, workspaceRoot: string): Promise<{ env: Record<string, string>; stop(): void }> {
  const uvLock = parseToml(fs.readFileSync(path.join(workspaceRoot, 'forge/synthesis/python/uv.lock'), 'utf8')) as {
    package: { name: string; version: string; source: { registry?: string }; dependencies?: { name: string; marker?: string }[] }[];
  };
  const wheels = uvLock.package
    .filter((p) => p.source.registry)
    .map((p) => ({
      name: p.name,
      version: p.version,
      requires: (p.dependencies ?? []).map((d) => (d.marker ? `${d.name} ; ${d.marker}` : d.name)),
    }));
  const npmLock = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'forge/synthesis/node/package-lock.json'), 'utf8')) as {
    packages: Record<
      string,
      { name?: string; version: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
    >;
  };
  const node = new Map<string, NpmSpec>();
  for (const [at, p] of Object.entries(npmLock.packages)) {
    if (!at.includes('node_modules/')) continue;
    const name = p.name ?? at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    node.set(`${name}@${p.version}`, { name, version: p.version, dependencies: { ...p.dependencies, ...p.optionalDependencies } });
  }
  const index = buildPythonIndex(path.join(root, 'pyindex'), wheels);
  const registry = await startNpmRegistry(path.join(root, 'npm'), [...node.values()]);
  return {
    env: {
      UV_DEFAULT_INDEX: index.url,
      UV_OFFLINE: '1',
      UV_CACHE_DIR: path.join(root, 'uv-cache'),
      UV_PYTHON_DOWNLOADS: 'never',
      npm_config_registry: registry.url,
      npm_config_cache: path.join(root, 'npm-cache'),
    },
    stop: registry.stop,
  };
}

// ---- workspaces ----

export interface ExtensionSpec {
  python?: string[];
  system?: string[];
  capabilities?: string[];
  node?: Record<string, string>;
  tailwind?: boolean;
}

export function pyproject(name: string, deps: string[], lychd?: { system?: string[]; capabilities?: string[] }): string {
  const lines = [
    '[project]',
    `name = "${name}"`,
    'version = "0.1.0"',
    'requires-python = ">=3.10"',
    `dependencies = [${deps.map((d) => JSON.stringify(d)).join(', ')}]`,
    '',
  ];
  if (lychd) {
    lines.push('[tool.lychd]');
    if (lychd.system) lines.push('system-dependencies = [', ...lychd.system.map((s) => `    ${JSON.stringify(s)},`), ']');
    if (lychd.capabilities) lines.push(`capabilities = [${lychd.capabilities.map((c) => JSON.stringify(c)).join(', ')}]`);
    lines.push('');
  }
  // A build backend is declared as in real projects; uv reads the static metadata without it.
  lines.push('[build-system]', 'requires = ["uv_build>=0.9,<0.14"]', 'build-backend = "uv_build"', '');
  return lines.join('\n');
}

export function writeExtension(root: string, name: string, spec: ExtensionSpec): void {
  const dir = path.join(root, 'extensions', name);
  write(path.join(dir, 'pyproject.toml'), pyproject(name, spec.python ?? [], { system: spec.system, capabilities: spec.capabilities }));
  write(path.join(dir, 'src', name.replace(/-/g, '_'), '__init__.py'), `"""${name}"""\n`);
  if (spec.node)
    write(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name: `@ext/${name}`, version: '0.1.0', private: true, dependencies: spec.node }, null, 2)}\n`,
    );
  if (spec.tailwind)
    write(
      path.join(dir, 'tailwind.config.js'),
      `module.exports = { content: ['./templates/**/*.html'], theme: { extend: { colors: { '${name}': '#123456' } } } };\n`,
    );
}

export function writeWorkspace(root: string, extensions: Record<string, ExtensionSpec>, active?: string[]): void {
  write(path.join(root, 'core', 'pyproject.toml'), pyproject('lychd-core', ['tinybase>=1']));
  write(path.join(root, 'core', 'src', 'lychd_core', '__init__.py'), '"""core"""\n');
  writeScroll(root, active);
  for (const [name, spec] of Object.entries(extensions)) writeExtension(root, name, spec);
}

export function writeScroll(root: string, active?: string[]): void {
  const ext = active ? `\n[extensions]\nactive = [${active.map((a) => JSON.stringify(a)).join(', ')}]\n` : '';
  write(path.join(root, 'codex', 'lychd.toml'), `[daemon]\nlog_level = "info"\n\n[forge]\ncore = "core"\n${ext}`);
}

/** Every file under `dir` as relative path → content, for byte comparisons. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}
