import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../support/temp';

const made: string[] = [];

/** A temp dir holding the given files (relative path → content); removed by cleanupDirs. */
export function unitDir(files: Record<string, string>): string {
  const dir = tempDir('lychd-units-');
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export function cleanupDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Joins lines into unit-file text. */
export const unit = (...lines: string[]): string => `${lines.join('\n')}\n`;

export const POD = unit('[Pod]', 'PodName=lychd', 'UserNS=keep-id', 'PublishPort=127.0.0.1:8000:8000');

/** A pod member, with optional extra `[Unit]` lines. */
export function member(name: string, unitLines: string[] = [], extra: string[] = []): string {
  return unit(
    ...(unitLines.length > 0 ? ['[Unit]', ...unitLines, ''] : []),
    '[Container]',
    `ContainerName=lychd-${name}`,
    'Image=docker.io/library/alpine:3.20',
    'Pod=lychd.pod',
    ...extra,
    'Exec=sleep infinity',
  );
}
