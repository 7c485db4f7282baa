import * as fs from 'node:fs';
import * as path from 'node:path';

/** The covens the generated soulstones are spread over; the first is the default coven. */
export const COVENS = Array.from({ length: 8 }, (_, i) => `coven-${i}`);
const RUNTIMES = ['vllm', 'sglang', 'llamacpp', 'generic'] as const;
/** Far from the core services' ports (8000, 5432, 6006, 3000, ...). */
const BASE_PORT = 20000;

export interface GeneratedRune {
  /** Relative to the workspace root. */
  file: string;
  kind: 'soulstone' | 'portal';
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: string[]) => `[${xs.map(q).join(', ')}]`;

/**
 * Soulstone i: one or two covens (every third joins a second one, so memberships overlap), every
 * tenth in no coven and then off the GPU. Default-coven members and coven-less ones never conflict, so the start set
 * the Scribe checks is always valid.
 */
function soulstone(i: number): { folder: string; text: string } {
  const runtime = RUNTIMES[i % RUNTIMES.length]!;
  const groups = i % 10 === 9 ? [] : i % 3 === 0 ? [COVENS[i % 8]!, COVENS[(i + 3) % 8]!] : [COVENS[i % 8]!];
  const lines = [
    `name = ${q(`stone-${i}`)}`,
    `description = ${q(`Benchmark soulstone ${i}.`)}`,
    `groups = ${list(groups)}`,
    `port = ${BASE_PORT + i}`,
    `capabilities = ${list(i % 2 ? ['text-generation'] : ['text-generation', 'vision'])}`,
  ];
  if (i % 7 === 0) lines.push('expose_port = true');
  // A GPU soulstone outside every coven is refused (nothing would keep it off a held GPU).
  if (groups.length === 0 && runtime !== 'generic') lines.push('gpu = false');
  switch (runtime) {
    case 'vllm':
      lines.push(
        'image = "docker.io/vllm/vllm-openai:v0.10.1"',
        `model_path = "/models/m${i}"`,
        'quantization = "awq"',
        'max_num_seqs = 8',
      );
      lines.push('volumes = ["/srv/models:/models:ro"]');
      if (i % 20 === 0) lines.push('', '[secret_env_files]', 'HF_TOKEN_FILE = "hf_token"');
      break;
    case 'sglang':
      lines.push('image = "docker.io/lmsysorg/sglang:v0.5.2-cu126"', `model_path = "/models/m${i}"`, 'tensor_parallel_size = 2');
      break;
    case 'llamacpp':
      lines.push(
        'image = "ghcr.io/ggml-org/llama.cpp:server-cuda"',
        `model_path = "/models/m${i}.gguf"`,
        'startup_mode = "single"',
        'n_gpu_layers = 99',
      );
      break;
    case 'generic':
      lines.push(
        'image = "docker.io/library/busybox:1.37"',
        `exec = ["httpd", "-f", "-p", "${BASE_PORT + i}"]`,
        '',
        '[env_vars]',
        `BENCH_INDEX = "${i}"`,
      );
      break;
  }
  return { folder: `soulstones/${runtime}`, text: `${lines.join('\n')}\n` };
}

function portal(i: number): string {
  return [
    `name = ${q(`portal-${i}`)}`,
    'provider = "openai-compatible"',
    `base_url = "https://portal-${i}.example.com/v1"`,
    'models = ["model-a"]',
    'capabilities = ["text-generation"]',
    `api_key_secret = "portal_${i}_key"`,
    '',
  ].join('\n');
}

/** A valid Prime Scroll: the example's, with the first generated coven as default and no extension runes. */
function primeScroll(): string {
  return `[sepulcher]
publish_address = "127.0.0.1"
default_coven = ${q(COVENS[0]!)}
podman_version = "5.3"

[vessel]
image = "localhost/lychd:custom"
port = 8000
expose_port = true

[phylactery]
image = "docker.io/pgvector/pgvector:pg17"
port = 5432
password_secret = "lychd-phylactery-password"
volume = "lychd-phylactery"

[oculus]
image = "docker.io/arizephoenix/phoenix:version-11.0.0"
port = 6006
expose_port = true

[harvester]
enabled = true

[extensions]
active = []
`;
}

/**
 * Replaces the Codex under `root` with `n` rune files: about one in fifty a portal, the rest
 * soulstones spread over the four runtime folders. Extension runes are removed so the workspace
 * holds exactly `n` rune projects.
 */
export function writeCodex(root: string, n: number): GeneratedRune[] {
  const codex = path.join(root, 'codex');
  fs.rmSync(path.join(codex, 'runes'), { recursive: true, force: true });
  for (const ext of fs.existsSync(path.join(root, 'extensions')) ? fs.readdirSync(path.join(root, 'extensions')) : []) {
    fs.rmSync(path.join(root, 'extensions', ext, 'runes'), { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(codex, 'lychd.toml'), primeScroll());
  const portals = Math.max(1, Math.floor(n / 50));
  const runes: GeneratedRune[] = [];
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  for (let i = 0; i < n - portals; i++) {
    const { folder, text } = soulstone(i);
    const file = `codex/runes/animator/${folder}/stone_${i}.toml`;
    write(file, text);
    runes.push({ file, kind: 'soulstone' });
  }
  for (let i = 0; i < portals; i++) {
    const file = `codex/runes/animator/portals/portal_${i}.toml`;
    write(file, portal(i));
    runes.push({ file, kind: 'portal' });
  }
  return runes;
}

/** A real edit of one soulstone: its port moves to `port` (unused by any generated rune). */
export function editPort(root: string, file: string, port: number): void {
  const abs = path.join(root, file);
  const text = fs.readFileSync(abs, 'utf8');
  const next = text.replace(/^port = \d+$/m, `port = ${port}`);
  if (next === text) throw new Error(`${file}: no port line to edit`);
  fs.writeFileSync(abs, next);
}
