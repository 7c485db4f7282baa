import * as path from 'node:path';

/** Splits a rune file path into its rune root, its path under it and its provider (codex or extension). */
export function runeRef(options: { file: string; codexDir: string; extensionsDir: string }) {
  const codexRunes = `${options.codexDir}/runes/`;
  if (options.file.startsWith(codexRunes)) {
    return { runeRoot: path.posix.join(options.codexDir, 'runes'), relativePath: options.file.slice(codexRunes.length), provider: 'codex' };
  }
  const rest = options.file.slice(options.extensionsDir.length + 1);
  const [extension, , ...tail] = rest.split('/');
  return { runeRoot: path.posix.join(options.extensionsDir, extension!, 'runes'), relativePath: tail.join('/'), provider: extension! };
}
