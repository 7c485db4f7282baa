import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A Debian archive in a folder, as a test publishes it: packages built with `dpkg-deb --build`,
 * indexes written by `apt-ftparchive` (apt-utils), unsigned (the Forge trusts a file: archive).
 */
export class LocalArchive {
  constructor(
    readonly root: string,
    readonly suite = 'bookworm',
  ) {
    fs.mkdirSync(path.join(root, 'pool', 'main'), { recursive: true });
  }

  get uri(): string {
    return `file:${this.root}`;
  }

  /** Builds NAME_VERSION_all.deb into the pool; `payload` becomes /usr/share/NAME/VERSION in it. */
  publish(name: string, version: string, opts: { depends?: string; payload?: string } = {}): string {
    const src = fs.mkdtempSync(path.join(this.root, '.src-'));
    fs.mkdirSync(path.join(src, 'DEBIAN'));
    fs.mkdirSync(path.join(src, 'usr', 'share', name), { recursive: true });
    fs.writeFileSync(path.join(src, 'usr', 'share', name, 'version'), opts.payload ?? `${name} ${version}\n`);
    fs.writeFileSync(
      path.join(src, 'DEBIAN', 'control'),
      [
        `Package: ${name}`,
        `Version: ${version}`,
        'Architecture: all',
        'Maintainer: LychD Forge tests <tests@invalid>',
        ...(opts.depends ? [`Depends: ${opts.depends}`] : []),
        `Description: ${name}, a package of the Forge's test archive`,
        '',
      ].join('\n'),
    );
    const deb = path.join(this.root, 'pool', 'main', `${name}_${version}_all.deb`);
    run('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', src, deb]);
    fs.rmSync(src, { recursive: true, force: true });
    this.index();
    return deb;
  }

  /** Serves existing .deb files as they are (a real archive's, from the Forge's cache). */
  add(files: Array<{ file: string; name: string }>): void {
    for (const { file, name } of files) fs.copyFileSync(file, path.join(this.root, 'pool', 'main', name));
    this.index();
  }

  remove(name: string, version: string): void {
    fs.rmSync(path.join(this.root, 'pool', 'main', `${name}_${version}_all.deb`));
    this.index();
  }

  /** Packages and Release, as a real archive has them (dists/SUITE/main/binary-amd64). */
  index(): void {
    const dists = path.join(this.root, 'dists', this.suite);
    const bin = path.join(dists, 'main', 'binary-amd64');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'Packages'), run('apt-ftparchive', ['packages', 'pool'], this.root));
    fs.rmSync(path.join(dists, 'Release'), { force: true });
    const release = run(
      'apt-ftparchive',
      [
        '-o',
        `APT::FTPArchive::Release::Suite=${this.suite}`,
        '-o',
        `APT::FTPArchive::Release::Codename=${this.suite}`,
        '-o',
        'APT::FTPArchive::Release::Architectures=amd64',
        '-o',
        'APT::FTPArchive::Release::Components=main',
        'release',
        dists,
      ],
      this.root,
    );
    fs.writeFileSync(path.join(dists, 'Release'), release);
  }
}

export const ARCHIVE_TOOLS = ['dpkg-deb', 'apt-ftparchive', 'apt-get'];

export function missingArchiveTools(): string[] {
  return ARCHIVE_TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
