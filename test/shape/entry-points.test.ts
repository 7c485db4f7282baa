import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * executors.json and generators.json name an export of a bin/ entry (`./bin/executors.js#name`):
 * Nx resolves it only when a user runs the executor, so a renamed export would fail there first.
 */
const TOOLS = path.join(__dirname, '../../tools');
const load = createRequire(__filename);

const entries = (manifest: string, kind: string, field: string): Array<[string, string]> => {
  const json = JSON.parse(fs.readFileSync(path.join(TOOLS, manifest), 'utf8')) as Record<string, Record<string, Record<string, string>>>;
  return Object.entries(json[kind]!).map(([name, entry]) => [name, entry[field]!]);
};

describe('the entry points executors.json and generators.json name', () => {
  it.each([...entries('executors.json', 'executors', 'implementation'), ...entries('generators.json', 'generators', 'factory')])(
    '%s: %s is a function its file exports',
    (_name, target) => {
      const [file, exported] = target.split('#') as [string, string];
      expect(typeof (load(path.join(TOOLS, file)) as Record<string, unknown>)[exported]).toBe('function');
    },
  );
});
