import type { TargetConfiguration } from '@nx/devkit';

type TargetMetadata = NonNullable<TargetConfiguration['metadata']>;

/**
 * What each inferred target does, for `nx show project <name>` and Nx Console. Keyed by target name,
 * or by `<project type>:<target>` where one name means different work in different projects;
 * `help` points at the command line that runs the same core, whose `--help` lists its options.
 */
const TARGETS: Record<string, { description: string; cli?: string }> = {
  validate: { description: 'Validate the Codex: every rune file, the Prime Scroll and every rule across them.', cli: 'validate' },
  context: { description: 'Extract the facts each render reads from the Codex (covens, ports, secrets, settings).' },
  scribe: { description: 'Assemble the Quadlet generation from the rendered rune folders and the aggregates.', cli: 'scribe' },
  'runes:scribe': { description: "Render the Quadlet units of this rune folder's runes.", cli: 'scribe' },
  'runes:bind': {
    description: 'Render this rune folder and install the generation (runs quadlets:bind through `nx affected -t bind`).',
    cli: 'bind',
  },
  'scribe-pod': { description: 'Render lychd.pod: the ports the pod publishes and its user namespace.' },
  'scribe-core': { description: 'Render the core services: the Vessel, the Phylactery and the Oculus.' },
  'scribe-observability': { description: 'Render the Harvester (Prometheus) and the Scribe (Grafana) and their configuration.' },
  'scribe-capabilities': {
    description:
      'Write capabilities.json (every soulstone and portal with its capabilities and covens) and one coven-<name>.target per coven.',
  },
  'scribe-federated': {
    description:
      'Render the soulstones no rune folder holds: registered by a hook, or runes of an extension family that renders as a built-in one.',
  },
  bind: { description: 'Install the rendered generation into the Binding Site with one atomic switch.', cli: 'bind' },
  'bind-check': { description: 'Compare the Binding Site with the rendered generation; fail with a diff on drift.', cli: 'bind' },
  'lock-python': {
    description: 'Merge the core and extension pyproject files into a uv workspace and lock it with uv.',
    cli: 'synthesize',
  },
  'lock-node': {
    description: "Merge the components' package.json files, check their ranges agree, and lock them with npm.",
    cli: 'synthesize',
  },
  tailwind: {
    description: "Merge the components' Tailwind configs into one config with their presets and content paths.",
    cli: 'synthesize',
  },
  synthesize: {
    description: 'Write the Synthesis Manifest, forge/synthesis.lock.json: every input, lock and dependency hash.',
    cli: 'synthesize',
  },
  federate: {
    description: "Run the active extensions' register(context) hooks in the locked environment and write forge/federation.json.",
    cli: 'federate',
  },
  setup: {
    description:
      "Install the tools beyond npm packages (uv, the quadlet generator, buildah, mmdebstrap, Nix...) into the workspace's .tools.",
    cli: 'setup',
  },
  base: {
    description:
      "Build the Debian base of the image with mmdebstrap from the Debian lock's .deb files (cached per machine), or record the pinned base image.",
    cli: 'image',
  },
  'debian-lock': {
    description:
      "Lock the base's packages and the extensions' system packages: every .deb with its version and sha256 into forge/synthesis/debian.lock.json.",
    cli: 'debian-lock',
  },
  containerfile: {
    description: 'Render forge/Containerfile from its template, the Synthesis Manifest and the base.',
    cli: 'containerfile',
  },
  'containerfile-check': {
    description: 'Fail when the committed forge/Containerfile is not what the template, manifest and base render.',
    cli: 'containerfile',
  },
  image: {
    description: 'Build the image with buildah, reproducibly and offline, into dist/forge/image/ (OCI layout + image.json).',
    cli: 'image',
  },
  flake: { description: 'Render flake.nix, the Sovereign path, from the Synthesis Manifest and the Prime Scroll.', cli: 'flake' },
  'flake-check': { description: 'Fail when flake.nix is stale or flake.lock is not the one the Synthesis Manifest records.', cli: 'flake' },
  'synthesize-check': {
    description: 'Fail with a diff when the committed Synthesis Manifest or a lock is not current.',
    cli: 'synthesize',
  },
};

/**
 * Adds `metadata` to every target of an inferred project; a target not described is a plugin bug.
 * A description that names a project (`quadlets:bind`) names it with the workspace's prefix.
 */
export function withMetadata<P extends { tags?: string[]; targets?: Record<string, TargetConfiguration> }>(
  project: P,
  projectPrefix = '',
): P {
  const type = project.tags?.find((t) => t.startsWith('type:'))?.slice('type:'.length);
  for (const [name, target] of Object.entries(project.targets ?? {})) {
    const known = TARGETS[`${type}:${name}`] ?? TARGETS[name];
    if (!known) throw new Error(`@lychd/forge: target "${name}" has no description in tools/src/nx/metadata.ts`);
    const description = known.description.replace(/\b(codex|quadlets|forge):/g, `${projectPrefix}$1:`);
    const metadata: TargetMetadata = { description, technologies: ['lychd-forge'] };
    if (known.cli) metadata.help = { command: `npx lychd-forge ${known.cli} --help`, example: {} };
    target.metadata = metadata;
  }
  return project;
}
