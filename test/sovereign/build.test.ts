import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildSovereignImage,
  loadDockerArchive,
  nixVersionProblem,
  SovereignBuildError,
  writeImageSummary,
} from '../../tools/src/image/sovereign';
import { readLayout } from '../../tools/src/image/oci-layout';
import { requireTool } from '../../tools/src/toolchain';
import { runProgram } from '../../tools/src/toolchain/run';
import { skipWithout } from '../toolchain/tool-gate';
import { copyExample } from './nix-eval';
import { tempDir } from '../support/temp';

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const temp = (prefix: string) => {
  const d = tempDir(prefix);
  made.push(d);
  return d;
};

describe('the Nix the Sovereign path needs', () => {
  it('accepts Nix 2.18 and later, and says what to install otherwise, never falling back', () => {
    expect(nixVersionProblem('2.18.0')).toBeUndefined();
    expect(nixVersionProblem('2.26.3')).toBeUndefined();
    expect(nixVersionProblem('3.0.1')).toBeUndefined();
    const old = nixVersionProblem('2.8.0')!;
    expect(old).toContain('needs Nix >= 2.18');
    expect(old).toContain('this one is 2.8.0');
    expect(old).toContain('apt-get install nix-bin');
    expect(old).toContain('does not fall back to the Mundane path');
    expect(nixVersionProblem(undefined)).toContain('none was found');
  });

  it('buildSovereignImage stops before building when no Nix is found, writing nothing', () => {
    const root = copyExample();
    made.push(root);
    const env = { PATH: path.join(root, 'no-bin') };
    expect(() => buildSovereignImage({ workspaceRoot: root, env })).toThrow(SovereignBuildError);
    expect(() => buildSovereignImage({ workspaceRoot: root, env })).toThrow(/needs Nix >= 2\.18.*none was found/);
    // An override naming no file is a mistake to fix, not a missing Nix.
    expect(() => buildSovereignImage({ workspaceRoot: root, env: { ...env, LYCHD_NIX: path.join(root, 'no-such-nix') } })).toThrow(
      /LYCHD_NIX is not an executable file[^]*install Nix >= 2\.18/,
    );
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(false);
  });
});

describe.skipIf(skipWithout('buildah', 'skopeo'))('from a Docker archive to the OCI layout and image.json', () => {
  it('loads an archive with skopeo and reads back its digests, layers and the synthesis label', () => {
    // The streamed archive of `nix build` cannot be made here: buildah makes a real one instead.
    const store = temp('lychd-buildah-');
    const buildah = requireTool('buildah');
    const b = (...args: string[]) => {
      const r = runProgram(buildah, [
        '--root',
        path.join(store, 'root'),
        '--runroot',
        path.join(store, 'run'),
        '--storage-driver',
        'vfs',
        ...args,
      ]);
      if (r.status !== 0) throw new Error(`buildah ${args[0]}: ${r.stderr}`);
      return r.stdout.trim();
    };
    fs.writeFileSync(path.join(store, 'hello.txt'), 'hello\n');
    const c = b('from', 'scratch');
    b('add', c, path.join(store, 'hello.txt'), '/app/hello.txt');
    b('config', '--user', '10001:10001', '--label', 'org.lychd.synthesis=sha256:0123', c);
    b('commit', '--timestamp', '0', '--identity-label=false', c, 'localhost/lychd-test');
    const archive = path.join(store, 'image.tar');
    b('push', 'localhost/lychd-test', `docker-archive:${archive}`);
    b('rm', c);

    const imageDir = temp('lychd-image-');
    fs.mkdirSync(path.join(imageDir, 'oci'));
    fs.writeFileSync(path.join(imageDir, 'oci', 'stale'), 'replaced');
    loadDockerArchive(archive, imageDir, { skopeo: requireTool('skopeo') });
    expect(fs.existsSync(path.join(imageDir, 'oci', 'stale'))).toBe(false);
    expect(fs.readdirSync(imageDir).sort()).toEqual(['oci']);
    const image = readLayout(path.join(imageDir, 'oci'), 'lychd');
    expect(image.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(image.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(image.diffIds).toHaveLength(1);
    expect(image.labels['org.lychd.synthesis']).toBe('sha256:0123');
    expect(image.user).toBe('10001:10001');
    // The image ID is the config digest, so it survives the archive round trip.
    expect(image.imageId).toBe(`sha256:${b('inspect', '--format', '{{.FromImageID}}', 'localhost/lychd-test')}`);

    const file = writeImageSummary(imageDir, {
      formatVersion: 1,
      strategy: 'sovereign',
      imageId: image.imageId,
      manifestDigest: image.manifestDigest,
      diffIds: image.diffIds,
      layout: 'oci',
      refName: 'lychd',
      base: { kind: 'image', ref: 'github:NixOS/nixpkgs/rev', digest: 'sha256:00' },
      systemPackages: { ffmpeg: '7.1.1' },
      builder: { name: 'nix', version: '2.26.3' },
      synthesis: 'sha256:0123',
    });
    const text = fs.readFileSync(file, 'utf8');
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'base',
      'builder',
      'diffIds',
      'formatVersion',
      'imageId',
      'layout',
      'manifestDigest',
      'refName',
      'strategy',
      'synthesis',
      'systemPackages',
    ]);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
