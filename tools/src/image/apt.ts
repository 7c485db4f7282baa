import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram } from '../toolchain';
import { imageFailure, lastLines } from './errors';
import { missingPackages } from './missing-package';
import type { DebianArchive, IndexedDeb } from '../artifacts/debian-lock';

/** Requested packages the archive does not have: the caller says who asked for them. */
export class UnknownDebianPackages extends Error {
  override readonly name = 'UnknownDebianPackages';
  constructor(readonly packages: string[]) {
    super(`the Debian archive has no package ${packages.join(', ')}`);
  }
}

/**
 * apt with its own state: its own lists and caches under `dir`, one archive as its only source,
 * and a dpkg status file of our choosing (the base's), so it resolves what the base lacks
 * without looking at, or touching, the machine's own apt.
 */
export class PrivateApt {
  private readonly options: string[];

  constructor(
    readonly dir: string,
    readonly archive: DebianArchive,
    statusFile: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    for (const sub of ['lists/partial', 'cache/archives/partial', 'etc']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    // A local (file:) archive is the user's own folder: it need not be signed. Any other is checked against the machine's keys.
    const trust = archive.uri.startsWith('file:') ? '[trusted=yes] ' : '';
    fs.writeFileSync(
      path.join(dir, 'etc', 'sources.list'),
      `deb ${trust}${archive.uri} ${archive.suite} ${archive.components.join(' ')}\n`,
    );
    this.options = [
      `Dir::State::status=${statusFile}`,
      `Dir::State::Lists=${path.join(dir, 'lists')}`,
      `Dir::Cache=${path.join(dir, 'cache')}`,
      `Dir::Etc::sourcelist=${path.join(dir, 'etc', 'sources.list')}`,
      'Dir::Etc::sourceparts=/dev/null',
      'Dir::Etc::preferencesparts=/dev/null',
      'APT::Install-Recommends=false',
      'APT::Get::List-Cleanup=true',
      'Debug::NoLocking=true',
    ].flatMap((o) => ['-o', o]);
  }

  /** Reads the archive's current indexes. */
  update(): void {
    const r = this.run('apt-get', ['update']);
    if (r.status !== 0 || /^(E|W): .*(Failed to fetch|not signed|Release file)/m.test(r.output))
      throw imageFailure('LYCHD603', `cannot read the Debian archive ${this.archive.uri} (${this.archive.suite})`, [], {
        cause: [`apt-get update said:\n${lastLines(r.output)}`],
        hint: 'check the address ([forge.debian] archive in the Prime Scroll) and that it is reachable',
      });
  }

  /** The packages apt would install for `specs` on the base, with their dependencies, in apt's order. */
  resolve(specs: string[]): Array<{ name: string; version: string; architecture: string }> {
    const r = this.run('apt-get', ['install', '--simulate', '-y', '--no-install-recommends', ...specs]);
    const missing = missingPackages(r.output);
    if (r.status !== 0 && missing.length) throw new UnknownDebianPackages(missing);
    if (r.status !== 0)
      throw imageFailure(
        'LYCHD601',
        `apt cannot resolve ${specs.join(' ')} against ${this.archive.uri} ${this.archive.suite} on the base`,
        [],
        { cause: [lastLines(r.output)], hint: "correct the extensions' system-dependencies (apt-cache search NAME), then re-lock" },
      );
    return installsIn(r.stdout);
  }

  /** Every version of `names` the archive's index has, as described there. */
  show(specs: string[]): IndexedDeb[] {
    if (!specs.length) return [];
    const r = this.run('apt-cache', ['show', ...specs]);
    return parseStanzas(r.stdout).map((s) => ({
      name: s.Package ?? '',
      version: s.Version ?? '',
      architecture: s.Architecture ?? '',
      filename: s.Filename ?? '',
      size: Number(s.Size ?? 0),
      sha256: s.SHA256 ?? '',
    }));
  }

  private run(tool: 'apt-get' | 'apt-cache', args: string[]) {
    // apt is Debian's own: the Forge's Debian paths run on Debian, where it is always on PATH.
    const r = runProgram(tool, [...this.options, ...args], {
      env: { ...this.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' },
      timeoutMs: 600_000,
    });
    return { ...r, output: r.stdout + r.stderr };
  }
}

/** The packages an `apt-get --simulate` transcript installs (`Inst NAME (VERSION RELEASE [ARCH])`), in its order, once each. */
export function installsIn(transcript: string): Array<{ name: string; version: string; architecture: string }> {
  const out = new Map<string, { name: string; version: string; architecture: string }>();
  for (const m of transcript.matchAll(/^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) [^[]*\[([a-z0-9-]+)\]\)/gm)) {
    const p = { name: m[1]!.replace(/:[a-z0-9-]+$/, ''), version: m[2]!, architecture: m[3]! };
    out.set(`${p.name}:${p.architecture}=${p.version}`, p);
  }
  return [...out.values()];
}

/** The stanzas of a Debian control file (a dpkg status, a Packages index), first-line values only. */
export function parseStanzas(text: string): Array<Record<string, string>> {
  const stanzas: Array<Record<string, string>> = [];
  let cur: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (Object.keys(cur).length) stanzas.push(cur);
      cur = {};
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) cur[m[1]!] = m[2]!;
  }
  if (Object.keys(cur).length) stanzas.push(cur);
  return stanzas;
}
