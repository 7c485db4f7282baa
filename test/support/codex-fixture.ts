import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './temp';

export const WORKSPACE = path.resolve(__dirname, '../..');

/** Writes a file tree (relative path → text) into a fresh temporary folder and returns its path. */
export function writeTree(files: Record<string, string>, prefix = 'lychd-codex-'): string {
  const root = tempDir(prefix);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return root;
}

/** A copy of the shipped example Codex in a temporary folder, to break on purpose. */
export function copyExampleCodex(): string {
  const root = tempDir('lychd-example-');
  fs.cpSync(path.join(WORKSPACE, 'codex'), path.join(root, 'codex'), { recursive: true });
  return path.join(root, 'codex');
}

export const toml = (lines: string[]) => `${lines.join('\n')}\n`;

/** A vLLM rune; in a coven unless `extra` sets one (a GPU soulstone in none gets a warning of its own). */
export const vllmRune = (name: string, port: number, extra: string[] = []) =>
  toml([
    `name = "${name}"`,
    'image = "docker.io/vllm/vllm-openai:v0.10.1"',
    `port = ${port}`,
    'model_path = "/models/m"',
    ...(extra.some((l) => l.startsWith('groups')) ? [] : ['groups = ["g"]']),
    ...extra,
  ]);
