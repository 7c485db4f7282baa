// The raw core: what `lychd-forge scribe --codex <dir> --out <dir>` does, with in-process timings.
// Usage: node -r @swc-node/register bench/raw-core.ts <codexDir> <outDir>   (prints one JSON line)
import * as path from 'node:path';
import { loadCodex } from '../tools/src/codex';
import { renderGeneration, writeGeneration } from '../tools/src/scribe';
import { federationInput } from '../tools/src/codex/registry';

const [codexDir, outDir] = process.argv.slice(2);
if (!codexDir || !outDir) throw new Error('usage: raw-core.ts <codexDir> <outDir>');
const t0 = performance.now();
const extensionsDir = path.join(codexDir, '..', 'extensions');
const loaded = loadCodex({ codexDir, extensionsDir, federation: federationInput(path.join(codexDir, '..'), extensionsDir) });
if (!loaded.codex) throw new Error(`invalid Codex in ${codexDir}`);
const t1 = performance.now();
const files = renderGeneration(loaded.codex);
const t2 = performance.now();
writeGeneration(files, outDir);
const t3 = performance.now();
console.log(JSON.stringify({ files: files.size, loadMs: t1 - t0, renderMs: t2 - t1, writeMs: t3 - t2 }));
