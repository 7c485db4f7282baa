import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNodes } from '../../tools/src/nx/plugin';
import type { CreateNodesResult } from '@nx/devkit';
import { writeTree } from '../support/codex-fixture';

const HOSTILE = `co'dex $(touch /tmp/lychd-pwned) \`id\` "x"`;

async function inferred(codexDir: string) {
  const root = writeTree({ [`${codexDir}/lychd.toml`]: '', [`${codexDir}/runes/animator/soulstones/vllm/a.toml`]: '' });
  const files = [`${codexDir}/lychd.toml`, `${codexDir}/runes/animator/soulstones/vllm/a.toml`];
  const results = (await createNodes[1](files, { codexDir }, { workspaceRoot: root, nxJsonConfiguration: {}, configFiles: files } as never)) as [string, CreateNodesResult][];
  return results.flatMap(([, r]) => Object.values(r.projects ?? {}));
}

describe('the commands the plugin infers', () => {
  // Paths from nx.json and from the workspace's folders end up in shell lines that Nx runs.
  it('pass every option as one shell word, whatever the paths hold', async () => {
    const projects = await inferred(HOSTILE);
    const commands = projects.flatMap((p) => Object.values(p.targets ?? {})).flatMap((t) => (t.options?.command ? [t.options.command as string] : []));
    expect(commands.length).toBeGreaterThan(10);
    let carried = 0;
    for (const command of commands) {
      expect(command).toMatch(/^node tools\/bin\/forge-task\.js [a-z-]+ '/);
      // The shell reads the line; the task receives exactly the JSON the plugin meant.
      const words = spawnSync('bash', ['-c', `printf '%s\\n' ${command.slice('node '.length)}`], { encoding: 'utf8' }).stdout.trimEnd().split('\n');
      expect(words).toHaveLength(3);
      const options = JSON.parse(words[2]!) as Record<string, unknown>;
      if (Object.values(options).some((v) => typeof v === 'string' && v.startsWith(HOSTILE))) carried++;
    }
    // validate, context, the rune folder's scribe and the four image targets name the Codex folder, verbatim.
    expect(carried).toBe(7);
    expect(fs.existsSync('/tmp/lychd-pwned')).toBe(false);
  });
});
