import { checkSecretsExist } from '../scribe/secrets';
import { bind, check, resolveBindingSite, rollback, type BindResult } from './index';
import { dryRunQuadlets, resolveTool } from '../toolchain';
import type { Codex } from '../codex';

export interface RiteOptions {
  /** The rendered generation to install. */
  generationDir: string;
  /** `--binding-site`; else LYCHD_BINDING_SITE, else the XDG default. */
  bindingSite?: string;
  keep?: number;
  workspaceRoot: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/**
 * Everything that must hold before the Binding Site changes: the secrets the units mount exist
 * (when podman is here to ask), and the real quadlet generator accepts the set without a warning
 * (when it is installed).
 */
export async function generationProblems(
  codex: Pick<Codex, 'prime' | 'runes'>,
  generationDir: string,
  workspaceRoot: string,
  log: (l: string) => void,
): Promise<string[]> {
  const problems: string[] = [];
  const secrets = checkSecretsExist(codex as Codex);
  if (secrets.checked) problems.push(...secrets.errors);
  else log(`note: ${secrets.skipped}`);
  if (resolveTool('quadlet', { workspaceRoot })) {
    const dry = dryRunQuadlets(generationDir, { workspaceRoot });
    problems.push(...dry.errors.map((e) => `quadlet generator: ${e}`), ...dry.warnings.map((w) => `quadlet generator: ${w}`));
    if (!dry.ok && !dry.errors.length) problems.push(`quadlet generator rejected the generation (exit ${dry.status})`);
  } else {
    log('note: the podman quadlet generator is not installed, so the generation was not dry-run (`npx lychd-forge setup` installs it)');
  }
  return problems;
}

export async function performBind(codex: Pick<Codex, 'prime' | 'runes'>, options: RiteOptions): Promise<BindResult> {
  const log = options.log ?? ((l) => console.log(l));
  const bindingSite = resolveBindingSite({ option: options.bindingSite, env: options.env ?? process.env });
  log(`Binding Site: ${bindingSite}`);
  return bind({
    generationDir: options.generationDir,
    bindingSite,
    keep: options.keep,
    validate: ({ dir }) => generationProblems(codex, dir, options.workspaceRoot, log),
  });
}

/** Drift: the installed generation against the rendered one; `inSync` false on any difference. */
export function performCheck(options: RiteOptions) {
  const bindingSite = resolveBindingSite({ option: options.bindingSite, env: options.env ?? process.env });
  return { bindingSite, ...check({ generationDir: options.generationDir, bindingSite }) };
}

export async function performRollback(options: Pick<RiteOptions, 'bindingSite' | 'env'>): Promise<BindResult> {
  const bindingSite = resolveBindingSite({ option: options.bindingSite, env: options.env ?? process.env });
  return rollback({ bindingSite });
}
