import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dryRunQuadlets,
  MissingToolError,
  parseVersion,
  requireTool,
  resolveTool,
  toolEnvVar,
  toolVersion,
} from '../../tools/src/toolchain';
import { installedToolVersion } from '../../tools/src/toolchain/tools';
import { skipWithout } from './tool-gate';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lychd-tools-'));
  dirs.push(d);
  return d;
}

/** An executable script at dir/name that prints a version banner. */
function fakeTool(dir: string, name: string, banner: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho '${banner}'\n`);
  chmodSync(path, mode);
  return path;
}

describe('resolveTool', () => {
  it('names the override variable after the tool', () => {
    expect(toolEnvVar('systemd-analyze')).toBe('LYCHD_SYSTEMD_ANALYZE');
    expect(toolEnvVar('uv')).toBe('LYCHD_UV');
  });

  it('prefers the env override, then .tools/bin, then PATH', () => {
    const root = tempDir();
    const pathDir = join(root, 'path-bin');
    const onPath = fakeTool(pathDir, 'uv', 'uv 1.0.0');
    const env = { PATH: pathDir };
    expect(resolveTool('uv', { workspaceRoot: root, env })).toBe(onPath);

    const local = fakeTool(join(root, '.tools', 'bin'), 'uv', 'uv 2.0.0');
    expect(resolveTool('uv', { workspaceRoot: root, env })).toBe(local);

    const override = fakeTool(join(root, 'elsewhere'), 'my-uv', 'uv 3.0.0');
    expect(resolveTool('uv', { workspaceRoot: root, env: { ...env, LYCHD_UV: override } })).toBe(override);
  });

  it('ignores files that are not executable', () => {
    const root = tempDir();
    fakeTool(join(root, '.tools', 'bin'), 'buildah', 'buildah version 1.0.0', 0o644);
    expect(resolveTool('buildah', { workspaceRoot: root, env: { PATH: '' } })).toBeUndefined();
  });

  it('does not fall back when the override points nowhere, and says so rather than "not installed"', () => {
    const root = tempDir();
    fakeTool(join(root, '.tools', 'bin'), 'uv', 'uv 2.0.0');
    const env = { PATH: '', LYCHD_UV: join(root, 'missing-uv') };
    expect(() => resolveTool('uv', { workspaceRoot: root, env })).toThrow(/LYCHD_UV is not an executable file/);
    expect(() => requireTool('uv', { workspaceRoot: root, env })).toThrow(/LYCHD_UV is not an executable file/);
  });
});

describe('a missing tool', () => {
  it('throws a MissingToolError that names the tool and how to install it', () => {
    const root = tempDir();
    let error: unknown;
    try {
      requireTool('uv', { workspaceRoot: root, env: { PATH: '' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingToolError);
    const e = error as MissingToolError;
    expect(e.tool).toBe('uv');
    expect(e.message).toMatch(/^error\[LYCHD800\]: uv not found; looked in: LYCHD_UV \(unset\), .*\.tools\/bin\/uv, PATH\./);
    expect(e.message).toContain('npx lychd-forge setup');
    expect(e.message).toContain('uv 0.13.9');
    expect(e.message).toContain('or set LYCHD_UV to its path');
  });

  it('names the apt package for system tools', () => {
    const env = { PATH: '', LYCHD_SYSTEMD_ANALYZE: '/nonexistent/systemd-analyze' };
    expect(() => requireTool('systemd-analyze', { env })).toThrow(/apt-get install systemd/);
    expect(() => requireTool('buildah', { workspaceRoot: tempDir(), env: { PATH: '' } })).toThrow(
      /buildah not found[^]*apt-get install buildah/,
    );
  });

  it('stops a quadlet dry-run with the install instructions', () => {
    const env = { ...process.env, LYCHD_QUADLET: '/nonexistent/quadlet' };
    expect(() => dryRunQuadlets(tempDir(), { env })).toThrow(MissingToolError);
    expect(() => dryRunQuadlets(tempDir(), { env })).toThrow(
      /^error\[LYCHD800\]: quadlet not found \(LYCHD_QUADLET is not an executable file\)[^]*npx lychd-forge setup/,
    );
  });
});

describe('versions', () => {
  it('parses the usual version banners', () => {
    expect(parseVersion('uv 0.13.9 (x86_64-unknown-linux-gnu)\n')).toBe('0.13.9');
    expect(parseVersion('5.4.2\n')).toBe('5.4.2');
    expect(parseVersion('systemd 252 (252.38-1~deb12u1)\n+PAM +AUDIT')).toBe('252');
    expect(parseVersion('buildah version 1.28.2 (image-spec 1.0.2-dev, runtime-spec 1.0.2-dev)')).toBe('1.28.2');
    expect(parseVersion('podman version 4.3.1')).toBe('4.3.1');
    expect(parseVersion('nix (Nix) 2.8.0')).toBe('2.8.0');
    expect(parseVersion('11.19.1')).toBe('11.19.1');
    expect(parseVersion('no version here')).toBeUndefined();
  });

  it('runs the resolved tool to read its version', () => {
    const root = tempDir();
    fakeTool(join(root, '.tools', 'bin'), 'uv', 'uv 9.8.7 (fake)');
    expect(toolVersion('uv', { workspaceRoot: root, env: { PATH: '/usr/bin:/bin', LYCHD_FORGE_CACHE: tempDir() } })).toBe('9.8.7');
  });

  it('remembers a version by the file it was read from, and asks a replaced file again', () => {
    const root = tempDir();
    const cache = tempDir();
    const bin = join(root, '.tools', 'bin');
    // The fake tool counts how often it is asked.
    const count = join(root, 'asked');
    const write = (version: string) => {
      const tmp = join(root, 'next');
      writeFileSync(tmp, `#!/bin/sh\necho x >>'${count}'\necho 'buildah version ${version} (fake)'\n`);
      chmodSync(tmp, 0o755);
      renameSync(tmp, join(bin, 'buildah')); // a new file, as a package upgrade installs one
    };
    const asked = () => (existsSync(count) ? readFileSync(count, 'utf8').split('\n').filter(Boolean).length : 0);
    const opts = { workspaceRoot: root, env: { PATH: join(root, 'no-tools-here'), LYCHD_FORGE_CACHE: cache } };
    mkdirSync(bin, { recursive: true });
    write('1.28.2');
    expect(toolVersion('buildah', opts)).toBe('1.28.2');
    expect(installedToolVersion('buildah', opts)).toBe('1.28.2');
    expect(asked()).toBe(1);
    write('1.39.0');
    expect(toolVersion('buildah', opts)).toBe('1.39.0');
    expect(asked()).toBe(2);
    expect(installedToolVersion('skopeo', opts)).toBeUndefined();
    expect(() => toolVersion('skopeo', opts)).toThrow(MissingToolError);
  });

  it.skipIf(skipWithout('uv'))('reports the pinned uv', () => {
    expect(toolVersion('uv')).toBe('0.13.9');
  });

  it.skipIf(skipWithout('quadlet'))('reports a 5.4 quadlet generator', () => {
    expect(toolVersion('quadlet')).toMatch(/^5\.4\.\d+$/);
  });

  it.skipIf(skipWithout('systemd-analyze'))('reports the systemd version', () => {
    expect(toolVersion('systemd-analyze')).toMatch(/^\d{3}$/);
  });
});
