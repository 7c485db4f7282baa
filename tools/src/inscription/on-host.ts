import { checkSecretsExist } from '../scribe/secrets';
import { bind, checkSite, resolveBindingSite, rollback, type BindResult } from './index';
import { dryRunQuadlets, resolveTool } from '../toolchain';
import type { Codex } from '../codex';
import type { Diagnostic } from '../diagnostics';
import { resolveUnitDir } from './unit-links';
import { checked, type Outcome } from '../report';

/*
 * Bind, check and rollback as the command and the tasks run them on this host: the Binding Site and
 * the unit folder from the option, the environment or the default, and before a bind what the Codex
 * and this host must hold. The operations on a given site are bind.ts, check.ts and rollback.ts.
 */

export interface OnHostOptions {
  /** The rendered generation to install. */
  generationDir: string;
  /** `--binding-site`; else LYCHD_BINDING_SITE, else the XDG default. */
  bindingSite?: string;
  /** `--unit-dir`; else LYCHD_UNIT_DIR, else `<config>/systemd/user` beside the default site (unit-links.ts). */
  unitDir?: string;
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
): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  const secrets = checkSecretsExist(codex as Codex);
  if (secrets.checked) problems.push(...secrets.errors.map((e) => ({ severity: 'error' as const, ...e })));
  else log(`note: ${secrets.skipped}`);
  if (resolveTool('quadlet', { workspaceRoot })) {
    const dry = dryRunQuadlets(generationDir, { workspaceRoot });
    const refused = (message: string): Diagnostic => ({ severity: 'error', code: 'LYCHD502', message: `quadlet generator: ${message}` });
    problems.push(...dry.errors.map(refused), ...dry.warnings.map(refused));
    if (!dry.ok && !dry.errors.length) problems.push(refused(`rejected the generation (exit ${dry.status})`));
  } else {
    log('note: the podman quadlet generator is not installed, so the generation was not dry-run (`npx lychd-forge setup` installs it)');
  }
  return problems;
}

/** The unit folder the coven targets are linked into, or a note that they are not linked. */
function unitDirOrNote(bindingSite: string, options: Pick<OnHostOptions, 'unitDir' | 'env'>, log: (l: string) => void): string | undefined {
  const unitDir = resolveUnitDir({ option: options.unitDir, env: options.env ?? process.env, bindingSite });
  if (unitDir === undefined) {
    log(
      `note: the coven targets are not linked into a systemd unit folder, since ${bindingSite} is not a <config>/containers/systemd folder; pass --unit-dir (or set LYCHD_UNIT_DIR) to link them`,
    );
  }
  return unitDir;
}

/** Checks the generation against the Codex and this host (generationProblems), then binds it. */
export async function bindOnHost(codex: Pick<Codex, 'prime' | 'runes'>, options: OnHostOptions): Promise<BindResult> {
  const log = options.log ?? ((l) => console.log(l));
  const env = options.env ?? process.env;
  const bindingSite = resolveBindingSite({ option: options.bindingSite, env });
  log(`Binding Site: ${bindingSite}`);
  const unitDir = unitDirOrNote(bindingSite, options, log);
  return bind({
    generationDir: options.generationDir,
    bindingSite,
    unitDir,
    keep: options.keep,
    validate: ({ dir }) => generationProblems(codex, dir, options.workspaceRoot, log),
  });
}

/** Drift: the installed generation against the rendered one; `inSync` false on any difference. */
export function checkOnHost(options: OnHostOptions) {
  const bindingSite = resolveBindingSite({ option: options.bindingSite, env: options.env ?? process.env });
  return { bindingSite, ...checkSite({ generationDir: options.generationDir, bindingSite }) };
}

/** Rolls the Binding Site back to its previous generation. */
export async function rollbackOnHost(options: Pick<OnHostOptions, 'bindingSite' | 'unitDir' | 'env' | 'log'>): Promise<BindResult> {
  const bindingSite = resolveBindingSite({ option: options.bindingSite, env: options.env ?? process.env });
  const unitDir = unitDirOrNote(bindingSite, options, options.log ?? ((l) => console.log(l)));
  return rollback({ bindingSite, unitDir });
}

/** `bind --check` and `quadlets:bind-check`: the Binding Site against the rendered generation. */
export function bindCheck(options: OnHostOptions): Outcome {
  const result = checkOnHost(options);
  const site = result.bindingSite;
  return checked(
    result.inSync ? [] : [{ file: site, reason: 'differs from what the Codex produces; run `lychd-forge bind`', diff: result.diff }],
    `The Binding Site ${site} holds exactly what the Codex produces.`,
  );
}
