import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverExtensions, intersectRanges, mergeNode, mergePython, synthesize, SynthesisError } from '../../tools/src/synthesis';
import { parseDebianSpec } from '../../tools/src/artifacts/patterns';
import { run } from '../../tools/src/synthesis/process';
import { LOCKER_SETTINGS, scrubbedEnv } from '../../tools/src/toolchain/env';
import { tempDir, write, writeWorkspace } from './fixtures';

const work = tempDir('validation');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function catchError(fn: () => unknown): SynthesisError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SynthesisError);
    return e as SynthesisError;
  }
  throw new Error('expected a SynthesisError');
}

describe('system dependencies', () => {
  it('accepts Debian names with an optional version', () => {
    expect(parseDebianSpec('ffmpeg')).toEqual({ name: 'ffmpeg', version: undefined });
    expect(parseDebianSpec('libc6-dev=2.36-9+deb12u7')).toEqual({ name: 'libc6-dev', version: '2.36-9+deb12u7' });
    expect(parseDebianSpec('ffmpeg=7:5.1.6-0+deb12u1')?.version).toBe('7:5.1.6-0+deb12u1');
    for (const bad of ['ffmpeg ', 'a', 'FFmpeg', 'ffmpeg;rm -rf /', '$(reboot)', 'x=', 'x=abc', 'ffmpeg=1.0 curl'])
      expect(parseDebianSpec(bad), bad).toBeUndefined();
  });

  it('names the extension, the file and the line of each bad entry, all at once', () => {
    const root = path.join(work, 'bad-system');
    writeWorkspace(root, {
      alpha: { system: ['ffmpeg', 'curl; rm -rf /'] },
      beta: { system: ['$(reboot)'] },
    });
    const error = catchError(() => mergePython(root));
    expect(error.problems).toEqual([
      expect.objectContaining({ file: 'extensions/alpha/pyproject.toml', line: 10, field: 'tool.lychd.system-dependencies[1]' }),
      expect.objectContaining({ file: 'extensions/beta/pyproject.toml', line: 9, field: 'tool.lychd.system-dependencies[0]' }),
    ]);
    const text = fs.readFileSync(path.join(root, 'extensions/alpha/pyproject.toml'), 'utf8').split('\n');
    expect(text[9]).toContain('curl; rm -rf /');
    expect(error.message).toContain(
      'extensions/alpha/pyproject.toml:10: error[LYCHD302]: "curl; rm -rf /" is not a Debian package name (extension alpha) [tool.lychd.system-dependencies[1]]',
    );
    expect(error.message).toContain('extensions/beta/pyproject.toml:9');
    expect(error.message).toContain('hint: ');
  });

  it('rejects two different pins of one package, naming both extensions', () => {
    const root = path.join(work, 'pins');
    writeWorkspace(root, { alpha: { system: ['ffmpeg=7:5.1.6-0+deb12u1'] }, beta: { system: ['ffmpeg=7:5.1.7-0+deb12u1'] } });
    expect(() => mergePython(root)).toThrow(
      /extension beta pins "ffmpeg=7:5.1.7-0\+deb12u1" but extension alpha pins "ffmpeg=7:5.1.6-0\+deb12u1"/,
    );
  });

  it('reports problems of every manifest before running any tool, and writes nothing', async () => {
    const root = path.join(work, 'everything');
    writeWorkspace(root, {
      alpha: { system: ['bad name'], node: { 'tiny-ms': '^1.0.0' } },
      beta: { node: { 'tiny-ms': '^2.0.0' } },
    });
    write(path.join(root, 'extensions/gamma/pyproject.toml'), '[project\nname = "gamma"\n');
    const error = await synthesize({ workspaceRoot: root }).then(
      () => undefined,
      (e: unknown) => e as SynthesisError,
    );
    expect(error?.problems.map((p) => `${p.file}:${p.line ?? ''}`)).toEqual([
      'extensions/alpha/pyproject.toml:9',
      'extensions/beta/package.json:',
      'extensions/gamma/pyproject.toml:1',
    ]);
    expect(fs.existsSync(path.join(root, 'forge'))).toBe(false);
  });
});

describe('discovery', () => {
  it('lists extension folders sorted, narrowed by the active list', () => {
    const root = path.join(work, 'discover');
    for (const name of ['zeta', 'alpha', 'mid']) write(path.join(root, 'extensions', name, 'pyproject.toml'), '');
    expect(discoverExtensions(root).map((e) => e.name)).toEqual(['alpha', 'mid', 'zeta']);
    expect(discoverExtensions(root, ['zeta', 'alpha'])).toEqual([
      { kind: 'extension', name: 'alpha', dir: 'extensions/alpha' },
      { kind: 'extension', name: 'zeta', dir: 'extensions/zeta' },
    ]);
    expect(() => discoverExtensions(root, ['alpha', 'ghost'])).toThrow(
      /names "ghost", but there is no extension folder extensions\/ghost\/ with a pyproject.toml/,
    );
  });
});

describe('node ranges', () => {
  it('keeps the narrowest range as written, else the intersection', () => {
    const root = path.join(work, 'ranges');
    writeWorkspace(root, {
      alpha: { node: { a: '^1.0.0', b: '>=1.2.0 <3', c: '1.x || 3.x' } },
      beta: { node: { a: '^1.4.0', b: '^1.5.0', c: '^3.1.0 || ^1.5.0' } },
    });
    const root2 = JSON.parse(mergeNode(root).packageJson.content);
    expect(root2.dependencies.a).toBe('^1.4.0');
    expect(root2.dependencies.b).toBe('^1.5.0');
    const both = intersectRanges(['1.x || 3.x', '^3.1.0 || ^1.5.0'])!;
    expect(root2.dependencies.c).toBe('^3.1.0 || ^1.5.0');
    for (const v of ['1.5.0', '1.9.9', '3.1.0', '3.9.0']) expect(semver.satisfies(v, both), v).toBe(true);
    for (const v of ['1.4.9', '2.0.0', '3.0.9', '4.0.0']) expect(semver.satisfies(v, both), v).toBe(false);
    expect(intersectRanges(['^1.0.0', '^2.0.0'])).toBeUndefined();
  });

  it('treats a package named like an object property as any other package', () => {
    const root = path.join(work, 'proto-names');
    writeWorkspace(root, {
      alpha: { node: { constructor: '^1.0.0', tostring: '^2.0.0' } },
      beta: { node: { constructor: '^1.2.0' } },
    });
    const merged = JSON.parse(mergeNode(root).packageJson.content);
    expect(merged.dependencies).toEqual({ constructor: '^1.2.0', tostring: '^2.0.0' });
  });

  it('refuses file:, link:, git and URL specs with file:line, before npm runs', () => {
    const root = path.join(work, 'non-registry');
    writeWorkspace(root, {
      alpha: { node: { ok: '^1.0.0', local: 'file:/etc', linked: 'link:../beta' } },
      beta: { node: { remote: 'git+https://example.invalid/x.git', tarball: 'https://example.invalid/x.tgz', gh: 'user/repo' } },
    });
    const error = catchError(() => mergeNode(root));
    expect(error.problems.map((p) => [p.file, p.line, p.field])).toEqual([
      ['extensions/alpha/package.json', 7, 'dependencies.local'],
      ['extensions/alpha/package.json', 8, 'dependencies.linked'],
      ['extensions/beta/package.json', 6, 'dependencies.remote'],
      ['extensions/beta/package.json', 7, 'dependencies.tarball'],
      ['extensions/beta/package.json', 8, 'dependencies.gh'],
    ]);
    const alpha = fs.readFileSync(path.join(root, 'extensions/alpha/package.json'), 'utf8').split('\n');
    expect(alpha[6]).toContain('file:/etc');
    expect(error.message).toContain('extensions/alpha/package.json:7: error[LYCHD300]: "file:/etc" is not a version range');
    expect(fs.existsSync(path.join(root, 'forge/synthesis'))).toBe(false);
  });
});

describe('extension code never runs during synthesis', () => {
  it('refuses dynamic metadata and an in-tree build backend with file:line, before running any tool', async () => {
    const root = path.join(work, 'in-tree-backend');
    writeWorkspace(root, { alpha: {} });
    const file = path.join(root, 'extensions/alpha/pyproject.toml');
    const text = fs
      .readFileSync(file, 'utf8')
      .replace('[project]\n', '[project]\ndynamic = ["version", "dependencies"]\n')
      .replace(/\[build-system\][^]*$/, '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n');
    write(file, text);
    write(path.join(root, 'extensions/alpha/backend.py'), 'raise SystemExit("extension code ran")\n');
    const error = await synthesize({ workspaceRoot: root }).then(
      () => undefined,
      (e: unknown) => e as SynthesisError,
    );
    expect(error).toBeInstanceOf(SynthesisError);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const lineOf = (start: string) => lines.findIndex((l) => l.startsWith(start)) + 1;
    expect(error!.problems.map((p) => `${p.file}:${p.line}: ${p.field}`)).toEqual([
      `extensions/alpha/pyproject.toml:${lineOf('dynamic')}: project.dynamic`,
      `extensions/alpha/pyproject.toml:${lineOf('backend-path')}: build-system.backend-path`,
    ]);
    expect(fs.existsSync(path.join(root, 'forge'))).toBe(false);
  });
});

describe('the lockers run with a scrubbed environment', () => {
  it("passes the system basics and the lockers' own settings, never a token or anything else", () => {
    const from = {
      PATH: '/usr/bin',
      HOME: '/home/op',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      https_proxy: 'http://proxy:3128',
      SSL_CERT_FILE: '/etc/ssl/c.pem',
      UV_INDEX_URL: 'http://index',
      npm_config_registry: 'http://registry',
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'secret-1',
      LYCHD_CACHE_READ_WRITE_TOKEN: 'secret-2',
      AWS_SECRET_ACCESS_KEY: 'secret-3',
      GITHUB_TOKEN: 'secret-4',
      NODE_OPTIONS: '--require /tmp/evil.js',
      PYTHONPATH: '/tmp/evil',
      LD_PRELOAD: '/tmp/evil.so',
    };
    expect(scrubbedEnv({ UV_OFFLINE: '1' }, from, LOCKER_SETTINGS)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/op',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      https_proxy: 'http://proxy:3128',
      SSL_CERT_FILE: '/etc/ssl/c.pem',
      UV_INDEX_URL: 'http://index',
      npm_config_registry: 'http://registry',
      UV_OFFLINE: '1',
    });
    expect(scrubbedEnv({}, from)).not.toHaveProperty('UV_INDEX_URL');
  });

  it("keeps a proxy's credentials for the lockers only, and passes only the real locale categories", () => {
    const from = {
      HTTPS_PROXY: 'http://user:p@ss@proxy:3128',
      all_proxy: 'socks5://u:secret@proxy:1080',
      http_proxy: 'proxy:3128',
      LC_TIME: 'C.UTF-8',
      LC_TERMINAL: 'iTerm2',
      LC_SECRET: 'secret',
    };
    expect(scrubbedEnv({}, from)).toEqual({
      HTTPS_PROXY: 'http://proxy:3128',
      all_proxy: 'socks5://proxy:1080',
      http_proxy: 'proxy:3128',
      LC_TIME: 'C.UTF-8',
    });
    expect(scrubbedEnv({}, from, LOCKER_SETTINGS, { proxyCredentials: true })).toMatchObject({
      HTTPS_PROXY: 'http://user:p@ss@proxy:3128',
      all_proxy: 'socks5://u:secret@proxy:1080',
    });
  });

  it('is what a program started by synthesis sees', async () => {
    process.env['LYCHD_TEST_SECRET_TOKEN'] = 'must-not-leak';
    try {
      const seen = await run(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], {
        cwd: work,
        env: { UV_OFFLINE: '1' },
      });
      const env = JSON.parse(seen.stdout) as Record<string, string>;
      expect(env).not.toHaveProperty('LYCHD_TEST_SECRET_TOKEN');
      expect(env['UV_OFFLINE']).toBe('1');
      expect(env['PATH']).toBe(process.env['PATH']);
    } finally {
      delete process.env['LYCHD_TEST_SECRET_TOKEN'];
    }
  });
});
