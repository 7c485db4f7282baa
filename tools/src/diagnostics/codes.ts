/**
 * Every kind of problem the Forge reports, by a code that stays the same across releases, so a
 * message can be searched for, scripted against and looked up in docs/errors.md (generated from
 * this table by `lychd-forge schemas`). The hundreds say which stage found it:
 *
 *   1xx the Codex       2xx federation (extensions and their hooks)   3xx synthesis
 *   4xx the Scribe      5xx the Binding Site                          6xx the image
 *   7xx the Rebirth Gate                  8xx the workspace, its tools and files      9xx unforeseen
 *
 * One code per kind of problem, not per place that reports it; a code is never reused for another kind.
 */
export interface CodeInfo {
  /** What went wrong, in a few words. */
  title: string;
  /** What to do about it, whatever the particular value. */
  todo: string;
}

export const CODES = {
  // The Codex: its files, their values and the rules between them.
  LYCHD100: {
    title: 'the Codex cannot be found',
    todo: 'pass `--codex DIR` with the folder that holds `lychd.toml`, or create `lychd.toml` there.',
  },
  LYCHD101: {
    title: 'a Codex file cannot be read',
    todo: 'make it a plain, readable UTF-8 file of at most 64 KiB (no symbolic link, no binary content).',
  },
  LYCHD102: { title: 'TOML syntax error', todo: 'correct the TOML at the position shown (see https://toml.io).' },
  LYCHD103: { title: 'unknown field', todo: 'remove the field or correct its name; docs/codex-reference.md lists every field.' },
  LYCHD104: { title: 'missing required field', todo: 'add the field; docs/codex-reference.md says what it holds.' },
  LYCHD105: {
    title: 'a value is not valid for its field',
    todo: 'change the value to one the field accepts; the message says which, and docs/codex-reference.md describes each field.',
  },
  LYCHD106: {
    title: 'a rune file is where no rune family is, or is misnamed',
    todo: 'move it into the folder of its family (`runes/<anchor>/`) and name it with lowercase letters, digits, `-` and `_`.',
  },
  LYCHD107: { title: 'two runes share a name', todo: 'rename one of them: a rune name becomes a unit name.' },
  LYCHD108: {
    title: 'two services share a port',
    todo: 'give each service a port of its own: every service of the pod shares one network.',
  },
  LYCHD109: {
    title: 'the covens do not fit together',
    todo: 'name a default coven some soulstone joins, and put every GPU soulstone in a coven.',
  },
  LYCHD110: {
    title: 'a soulstone names no model its engine can start with',
    todo: 'set model_path (or models, or the whole command in exec); llama.cpp in single mode needs model_path.',
  },
  LYCHD111: {
    title: 'an extension the Codex names is not installed',
    todo: 'install it under the extensions folder, or remove it from extensions.active.',
  },
  LYCHD112: {
    title: 'vessel.image is not the image the Forge builds',
    todo: 'set vessel.image to forge.image, or remove it: the Rebirth Gate starts the image it reviewed.',
  },
  LYCHD113: {
    title: 'a variable is set twice',
    todo: 'set it in env_vars or in secret_env_files, not both: which one would win is not defined.',
  },
  LYCHD150: {
    title: 'an image name is not fully qualified',
    todo: 'write the registry in the name (docker.io/…, ghcr.io/…) so podman does not pick one from its search list.',
  },
  LYCHD151: { title: 'a setting exposes the host', todo: 'use the safer alternative the hint names, or keep it if it is meant.' },
  LYCHD152: { title: 'a credential is written in plain text', todo: 'move it to a file and name the file in secret_env_files.' },
  LYCHD153: { title: 'a setting has no effect', todo: 'remove it, or set the setting it depends on.' },

  // Federation: the extensions, their manifests and their register hooks.
  LYCHD200: {
    title: 'an extension is not a valid extension',
    todo: 'correct its folder name or its pyproject.toml as the message says; docs/federation.md describes an extension.',
  },
  LYCHD201: {
    title: "an extension's register hook failed",
    todo: 'fix the hook at the line shown: it must return without printing, within its time limit.',
  },
  LYCHD202: {
    title: 'an extension registered something invalid',
    todo: 'correct the registration at the line shown; docs/federation.md lists what a hook may register.',
  },
  LYCHD203: {
    title: 'two extensions ask for the same thing differently',
    todo: 'change one of them so that both agree, or deactivate one; the message names both.',
  },
  LYCHD204: {
    title: "an extension's rune family is not valid",
    todo: 'give the family an anchor of its own and a valid JSON Schema file at the path it declares.',
  },
  LYCHD205: {
    title: 'the hooks cannot be run safely',
    todo: 'install bubblewrap (`apt-get install bubblewrap`) and allow user namespaces; see docs/federation.md.',
  },

  // Synthesis: the components' manifests, the locks and the Synthesis Manifest.
  LYCHD300: {
    title: "a component's manifest is not valid",
    todo: 'correct the field the message names in that pyproject.toml or package.json.',
  },
  LYCHD301: {
    title: 'the dependencies cannot be resolved together',
    todo: 'change one requirement so that a single version satisfies every component; the message names them.',
  },
  LYCHD302: { title: 'a system dependency is not valid', todo: 'name an existing Debian package, optionally with =version.' },
  LYCHD303: {
    title: 'a Tailwind config is not valid',
    todo: 'correct the config the message names; docs/synthesis.md says what it may hold.',
  },
  LYCHD304: {
    title: 'a generated file is missing, out of date or was edited',
    todo: 'run `npx lychd-forge synthesize` (or the command the hint names) to write it again.',
  },
  LYCHD305: {
    title: 'a component holds a file no component may hold',
    todo: 'remove the file the message names (a link, a device, or one too large) from the component.',
  },

  // The Scribe: a last check of every value before it becomes a Quadlet line.
  LYCHD400: {
    title: 'a value would change the meaning of a unit file',
    todo: 'remove the control character, line break or trailing backslash from the value.',
  },
  LYCHD401: {
    title: 'a value holds characters a unit file cannot carry safely',
    todo: 'use only the characters the message lists (podman reads a space or "%" as the start of something else).',
  },
  LYCHD402: {
    title: 'a command line is not valid',
    todo: 'remove the empty argument, the lone ";" or the surrounding spaces or quotes from the command.',
  },
  LYCHD403: {
    title: 'a soulstone has no model',
    todo: 'set model_path (or models, or the whole command in exec).',
  },
  LYCHD404: { title: 'a variable has two values', todo: 'set it in env_vars or in secret_env_files, not both.' },
  LYCHD405: { title: 'the podman version is not supported', todo: 'set sepulcher.podman_version to 5.3 or later, e.g. "5.4".' },
  LYCHD406: { title: 'two services publish one port', todo: 'give each service a port of its own.' },
  LYCHD407: {
    title: 'the Codex and its rendering disagree',
    todo: 'render from a Codex loaded by the Forge; if the Codex was valid, report this as a bug.',
  },
  LYCHD408: {
    title: 'a unit file would break a rule of podman',
    todo: 'this is a bug of the Forge (its unit builders): report it with the Codex that caused it.',
  },
  LYCHD409: {
    title: 'the output folder holds what the Forge did not write',
    todo: 'choose a new or empty folder, or remove the files the message names.',
  },

  // The Binding Site: bind, rollback and the generation store.
  LYCHD500: {
    title: 'the Binding Site cannot be found, or cannot be used where it is',
    todo: 'pass --binding-site DIR (or set LYCHD_BINDING_SITE) to a containers/systemd folder, e.g. ~/.config/containers/systemd.',
  },
  LYCHD501: {
    title: 'the generation is not a complete, plain generation',
    todo: "pass the Scribe's output folder, holding the generated files and nothing else.",
  },
  LYCHD502: {
    title: 'the generation is refused by podman',
    todo: 'correct the Codex value behind the unit the message names; nothing at the Binding Site was changed.',
  },
  LYCHD503: {
    title: 'the generation store or the Binding Site is not what the Forge made',
    todo: 'move the entry the message names away (the Forge never deletes what it did not write), then bind again.',
  },
  LYCHD504: {
    title: 'there is nothing to roll back to',
    todo: 'bind at least twice before rolling back, and keep more generations (--keep).',
  },
  LYCHD505: { title: 'a generation was altered after it was installed', todo: 'bind the Codex again to install a fresh generation.' },
  LYCHD506: { title: 'another bind holds the lock', todo: 'wait for it to finish, or stop the process the message names.' },
  LYCHD507: { title: 'a secret the Codex names does not exist', todo: 'create it with `podman secret create <name> <file>`.' },
  LYCHD508: {
    title: 'the generation store is on another filesystem than the Binding Site',
    todo: 'pass a storeDir on the filesystem of the Binding Site: the switch to a new generation is one rename(2).',
  },

  // The image: the Mundane path (buildah) and the Sovereign path (Nix).
  LYCHD600: {
    title: 'the image cannot be built from these inputs',
    todo: 'correct the input the message names (the Synthesis Manifest, a lock, a base image), then build again.',
  },
  LYCHD601: {
    title: 'a Debian package cannot be installed',
    todo: "name a package that exists in the base image's Debian release, or update the Debian lock.",
  },
  LYCHD602: {
    title: 'a system package has no Nix equivalent',
    todo: 'add it to [forge.nix] packages in lychd.toml, or build with the Mundane path (strategy = "mundane").',
  },
  LYCHD603: {
    title: 'a build step failed',
    todo: 'read the cause below; fix what it names (a network outage, a full disk, a package that does not build).',
  },
  LYCHD604: {
    title: 'the image or its summary is missing or not valid',
    todo: 'build the image again (`npx nx run forge:image`).',
  },

  // The Rebirth Gate: the reviewed image started on the host.
  LYCHD700: {
    title: 'the Rebirth Gate refused the image',
    todo: 'review the image again, or rebuild it; the message says what does not match.',
  },
  LYCHD701: {
    title: 'a step of the Rebirth failed on the host',
    todo: 'read the cause below (podman or systemd); the previous image was kept running or restored.',
  },
  LYCHD702: {
    title: 'the Rebirth journal is damaged',
    todo: 'check what the host holds (the message lists it), then move the journal file the message names away.',
  },
  LYCHD703: { title: 'another Rebirth is changing this host', todo: 'wait for it to finish, then run again.' },
  LYCHD704: {
    title: 'there is no body to confirm or return to',
    todo: 'build the image and run `lychd-forge rebirth` to stage one; rolling back needs two confirmed bodies.',
  },

  // The workspace, its tools and the files the Forge reads back.
  LYCHD800: {
    title: 'a tool the Forge needs is not available',
    todo: 'install it as the hint says (often `npx lychd-forge setup`), or set the variable that names its path.',
  },
  LYCHD801: {
    title: 'a tool failed',
    todo: "read the cause below, which is the tool's own output; fix what it names, then run again.",
  },
  LYCHD802: {
    title: 'an option is not valid',
    todo: 'correct the option the message names (a folder must be inside the workspace; plugin options are in nx.json).',
  },
  LYCHD803: {
    title: "a project or file would clash with the Forge's",
    todo: 'rename or move the project or file the message names, or run the generator with other folders.',
  },
  LYCHD804: {
    title: 'a file the Forge wrote or ships is missing or not valid',
    todo: 'run the command the hint names to write it again; do not edit generated files by hand.',
  },
  LYCHD805: { title: 'the remote cache is not configured correctly', todo: 'correct the setting the message names.' },

  LYCHD900: {
    title: 'an unforeseen failure',
    todo: 'read the message (a full disk, a lost permission); if nothing explains it, run again with LYCHD_DEBUG=1 and report it.',
  },
} as const satisfies Record<string, CodeInfo>;

/** A code of the table: a typo does not compile. */
export type Code = keyof typeof CODES;

/** The codes of one stage, e.g. `StageCode<'4'>` for the Scribe's. */
export type StageCode<D extends string> = Extract<Code, `LYCHD${D}${string}`>;
