import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CovenFormat } from './covens';
import { commonPaths, type CommonPaths } from './paths';
import { printFailure, printOutcome, progressTo, stdio, type Outcome } from '../report';

/** `--codex` and `--extensions`, as commander names them. */
interface CodexFlags {
  codex?: string;
  extensions?: string;
}

/** The folders the flags name, resolved from the current directory. */
const pathsOf = (o: CodexFlags): CommonPaths => commonPaths({ codexDir: o.codex, extensionsDir: o.extensions });

type SetStatus = (status: number | Promise<number>) => void;

/** What every command's action does with its outcome: the one printer prints it; its exit status. */
const printed = (outcome: Outcome | Promise<Outcome>): Promise<number> => Promise.resolve(outcome).then((o) => printOutcome(o));
const progress = progressTo(stdio());

// Each command's module is loaded when that command runs: a run loads what it uses, not the
// whole Forge (a third fewer modules for `rebirth`; where every module costs, as on a slow or
// emulated host, this is most of a short command's time).
const load = {
  bind: () => import('./bind'),
  covens: () => import('./covens'),
  flake: () => import('./flake'),
  render: () => import('./render'),
  schemas: () => import('./schemas'),
  synthesize: () => import('./synthesize'),
  federate: () => import('./federate'),
  setup: () => import('./setup'),
  image: () => import('./image'),
  rebirth: () => import('./rebirth'),
  validate: () => import('./validate'),
};

/** The image's commands take the Codex folder only: they read the extensions from the Synthesis Manifest. */
const codexOption = (command: Command) =>
  command.option(
    '--codex <dir>',
    "the Codex folder (lychd.toml + runes/); default: the plugin's codexDir in nx.json, else <workspace>/codex",
  );

const codexOptions = (command: Command) =>
  codexOption(command).option(
    '--extensions <dir>',
    "the extensions folder; default: the plugin's extensionsDir in nx.json, else <workspace>/extensions",
  );

const bindingSiteOption = (command: Command) =>
  command
    .option(
      '--binding-site <dir>',
      'where Quadlets are installed; default: $LYCHD_BINDING_SITE, else ${XDG_CONFIG_HOME:-~/.config}/containers/systemd',
    )
    .option(
      '--unit-dir <dir>',
      "the user's systemd unit folder, where the coven targets are linked; default: $LYCHD_UNIT_DIR, else <config>/systemd/user beside a <config>/containers/systemd Binding Site",
    );

function keepCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2)
    throw new InvalidArgumentError('a whole number of at least 2 (the current and the previous generation)');
  return n;
}

const absolute = (dir: string | undefined) => (dir === undefined ? undefined : path.resolve(dir));

/** The command definitions: their options and descriptions are the help text. */
function program(setStatus: SetStatus): Command {
  const cli = new Command('lychd-forge')
    .description('Turn a LychD Codex and its extensions into the artifacts the host needs.')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    // Set before the commands are added, which inherit both.
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`lychd-forge: ${message.replace(/^error: /, '')}`) });

  codexCommands(cli, setStatus);
  synthesisCommands(cli, setStatus);
  bodyCommands(cli, setStatus);
  return cli;
}

/** The Codex and its Quadlets: validate, scribe, bind. */
function codexCommands(cli: Command, setStatus: SetStatus): void {
  codexOptions(cli.command('validate').description('check every file of the Codex and every rule across it; print every problem')).action(
    (o: CodexFlags) => setStatus(load.validate().then((m) => printed(m.runValidate(pathsOf(o))))),
  );

  codexOptions(cli.command('scribe').description('render the Quadlet generation (default: <workspace>/quadlets/generation)'))
    .option('--out <dir>', 'where to write the generation; a folder the Forge did not create must be empty')
    .action((o: CodexFlags & { out?: string }) => setStatus(load.render().then((m) => printed(m.runScribe(pathsOf(o), absolute(o.out))))));

  codexOptions(cli.command('covens').description('show which soulstones exclude which (the Conflicts= the covens write)'))
    .addOption(
      new Option('--format <format>', 'table, or mermaid for a picture in docs or a pull request')
        .choices(['table', 'mermaid'])
        .default('table'),
    )
    .action((o: CodexFlags & { format: CovenFormat }) => setStatus(load.covens().then((m) => printed(m.runCovens(pathsOf(o), o.format)))));

  bindingSiteOption(codexOptions(cli.command('bind').description('render and install the generation atomically into the Binding Site')))
    .option('--keep <n>', 'generations kept for rollback (default 3)', keepCount)
    .addOption(new Option('--check', 'exit 1 and show the diff when the site differs (drift, hand edits)').conflicts('rollback'))
    .option('--rollback', 'restore the previous generation')
    .action((o: CodexFlags & { bindingSite?: string; unitDir?: string; keep?: number; check?: boolean; rollback?: boolean }) =>
      setStatus(
        load.bind().then((m) =>
          printed(
            m.runBind(
              pathsOf(o),
              {
                bindingSite: absolute(o.bindingSite),
                unitDir: absolute(o.unitDir),
                keep: o.keep,
                check: o.check === true,
                rollback: o.rollback === true,
              },
              progress,
            ),
          ),
        ),
      ),
    );
}

/** The Synthesis Manifest, the hooks' registrations and the files generated from the schemas. */
function synthesisCommands(cli: Command, setStatus: SetStatus): void {
  codexOptions(
    cli
      .command('synthesize')
      .description("merge and lock the workspace's core and extension manifests (uv, npm) and write forge/synthesis.lock.json"),
  )
    .option('--check', 'exit 1 with a diff when the manifest or a lock is not current')
    .action((o: CodexFlags & { check?: boolean }) =>
      setStatus(load.synthesize().then((m) => printed(m.runSynthesize(pathsOf(o), o.check === true, progress)))),
    );

  codexOptions(
    cli
      .command('federate')
      .description("run the active extensions' register(context) hooks in the locked Python environment and write forge/federation.json"),
  ).action((o: CodexFlags) => setStatus(load.federate().then((m) => printed(m.runFederate(pathsOf(o))))));

  cli
    .command('setup')
    .description(
      "install the tools beyond npm packages (uv, the quadlet generator, buildah, mmdebstrap, Nix...) into the workspace's .tools",
    )
    .action(() => setStatus(load.setup().then((m) => printed(m.runSetup()))));

  cli
    .command('schemas')
    .description('write the JSON Schemas, .taplo.toml, docs/codex-reference.md and docs/errors.md')
    .option('--check', 'compare instead of writing; exit 1 when any differs')
    .action((o: { check?: boolean }) =>
      setStatus(load.schemas().then((m) => printed(m.runSchemas(commonPaths({}).workspaceRoot, o.check === true)))),
    );
}

/** The daemon's body: the Containerfile, the image, the flake and the Rebirth Gate. */
function bodyCommands(cli: Command, setStatus: SetStatus): void {
  codexOption(cli.command('containerfile'))
    .description('render forge/Containerfile from forge/templates/Containerfile.njk, the Synthesis Manifest and the base ([forge.base])')
    .option('--check', 'exit 1 when forge/Containerfile is not current')
    .action((o: CodexFlags & { check?: boolean }) =>
      setStatus(load.image().then((m) => printed(m.runContainerfile(pathsOf(o), o.check === true, progress)))),
    );

  codexOption(cli.command('debian-lock'))
    .description(
      "lock the base's packages and the extensions' system packages, with their dependencies: versions and sha256 digests from the Debian archive " +
        '([forge.debian] archive) into forge/synthesis/debian.lock.json, its digest into the Synthesis Manifest',
    )
    .option('--check', 'write nothing; exit 1 when the archive now resolves to another lock')
    .action((o: CodexFlags & { check?: boolean }) =>
      setStatus(load.image().then((m) => printed(m.runDebianLock(pathsOf(o), o.check === true, progress)))),
    );

  codexOption(cli.command('outdated'))
    .description(
      'list, for Python, Node and Debian, each locked version and the newest the indexes offer within the constraints ([forge] resolve_before too); changes nothing',
    )
    .action((o: CodexFlags) => setStatus(load.image().then((m) => printed(m.runOutdated(pathsOf(o))))));

  codexOption(cli.command('image'))
    .description(
      'build the image reproducibly and offline into dist/forge/image/ (an OCI layout and image.json); the previous image stays on failure',
    )
    .action((o: CodexFlags) => setStatus(load.image().then((m) => printed(m.runImage(pathsOf(o), progress)))));

  codexOption(cli.command('flake'))
    .description('render flake.nix (the Sovereign path: Nix builds the image) from the Synthesis Manifest')
    .option('--check', 'exit 1 when flake.nix is stale or flake.lock is not the recorded one')
    .action((o: CodexFlags & { check?: boolean }) =>
      setStatus(load.flake().then((m) => printed(m.runFlake(pathsOf(o), o.check === true)))),
    );

  bindingSiteOption(
    codexOptions(
      cli
        .command('rebirth')
        .description(
          'the Rebirth Gate: stage the built image and the generation, show what a confirmation would change and exit 1; ' +
            'only --confirm with the shown id applies it',
        ),
    ),
  )
    .option('--image <dir>', "forge:image's output (image.json + oci/); default: <workspace>/dist/forge/image")
    .option('--synthesis <file>', 'the Synthesis Manifest; default: <workspace>/forge/synthesis.lock.json')
    .addOption(new Option('--confirm <id>', 'apply exactly the reviewed candidate: its image id as shown').conflicts('rollback'))
    .option('--rollback', 'return to the previous body and generation')
    .action(
      (
        o: CodexFlags & {
          bindingSite?: string;
          unitDir?: string;
          image?: string;
          synthesis?: string;
          confirm?: string;
          rollback?: boolean;
        },
      ) =>
        setStatus(
          load.rebirth().then((m) =>
            printed(
              m.runRebirth(
                pathsOf(o),
                {
                  bindingSite: absolute(o.bindingSite),
                  unitDir: absolute(o.unitDir),
                  image: absolute(o.image),
                  synthesis: absolute(o.synthesis),
                  confirm: o.confirm,
                  rollback: o.rollback === true,
                },
                progress,
              ),
            ),
          ),
        ),
    );
}

/** Entry point of the command line; returns the exit status (2 for a command line that means nothing). */
export async function main(argv: string[]): Promise<number> {
  let status: number | Promise<number> = 0;
  const cli = program((s) => {
    status = s;
  });
  if (argv.length === 0) {
    stdio().err.write(cli.helpInformation());
    return 2;
  }
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return await status;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    printFailure(e);
    return 1;
  }
}
