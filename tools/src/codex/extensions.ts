import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAME_PATTERN } from '../artifacts/patterns';

/**
 * The one definition of an extension, for the Codex loader, the Nx plugin and the synthesis:
 * a folder of the extensions folder, not hidden, that holds a `pyproject.toml`. Its name is
 * used in unit, project and package names, so it follows the rune name rule.
 */
export const EXTENSION_MANIFEST = 'pyproject.toml';

export const isExtensionName = (name: string): boolean => NAME_PATTERN.test(name);

export const extensionNameProblem = (name: string): string | undefined =>
  isExtensionName(name)
    ? undefined
    : `extension folder "${name}" is not a valid extension name: 1-50 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit`;

/** Every extension folder's name, sorted, valid or not: an invalid name is an error to report, never a folder to skip. */
export function extensionFolders(extensionsDir: string | undefined): string[] {
  if (!extensionsDir || !fs.existsSync(extensionsDir)) return [];
  return fs
    .readdirSync(extensionsDir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.isDirectory() && fs.existsSync(path.join(extensionsDir, e.name, EXTENSION_MANIFEST)))
    .map((e) => e.name)
    .sort();
}

/** Links in the extensions folder: never followed, by any reader; the loader and synthesis report them. */
export function extensionLinks(extensionsDir: string | undefined): string[] {
  if (!extensionsDir || !fs.existsSync(extensionsDir)) return [];
  return fs
    .readdirSync(extensionsDir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.isSymbolicLink())
    .map((e) => e.name)
    .sort();
}
