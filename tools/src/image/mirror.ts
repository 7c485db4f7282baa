import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The machine's main Debian archive (not security, not a third-party repository), read from its
 * apt sources in the one-line and the deb822 format; `LYCHD_DEBIAN_MIRROR` overrides it. The
 * same rule as `debian_archive_uri` in tools/setup/debian-archive.sh.
 */
export function debianArchiveUri(env: NodeJS.ProcessEnv = process.env, etcApt = '/etc/apt'): string | undefined {
  if (env.LYCHD_DEBIAN_MIRROR) return env.LYCHD_DEBIAN_MIRROR.replace(/\/+$/, '');
  const files = [path.join(etcApt, 'sources.list')];
  const partsDir = path.join(etcApt, 'sources.list.d');
  if (fs.existsSync(partsDir))
    for (const f of fs.readdirSync(partsDir).sort()) if (/\.(list|sources)$/.test(f)) files.push(path.join(partsDir, f));
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const found = archiveIn(fs.readFileSync(file, 'utf8'));
    if (found) return found;
  }
  return undefined;
}

function isMainArchive(uri: string): boolean {
  return !uri.includes('security') && (/\/debian$/.test(uri) || /\/archive\/debian\/[0-9TZ]+$/.test(uri));
}

function archiveIn(text: string): string | undefined {
  const candidates: string[] = [];
  let stanza: { types?: string; uris?: string; enabled: boolean } = { enabled: true };
  const flush = () => {
    if (stanza.uris && stanza.enabled && /(^|\s)deb(\s|$)/.test(stanza.types ?? '')) candidates.push(...stanza.uris.split(/\s+/));
    stanza = { enabled: true };
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s*)?(\S+)/.exec(line);
    if (oneLine?.[1]) candidates.push(oneLine[1]);
    else if (line.startsWith('Types:')) stanza.types = line.slice(6);
    else if (line.startsWith('URIs:')) stanza.uris = line.slice(5).trim();
    else if (/^Enabled:\s*no/i.test(line)) stanza.enabled = false;
    else if (line === '') flush();
  }
  flush();
  return candidates.map((u) => u.replace(/\/+$/, '')).find(isMainArchive);
}
