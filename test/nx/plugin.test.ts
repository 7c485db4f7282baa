import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodes, inferenceCacheFile } from '../../tools/src/nx/plugin';
import type { CreateNodesResult, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { expandSingleProjectInputs } from 'nx/src/hasher/task-hasher';
import { writeTree } from '../support/codex-fixture';

const HOSTILE = `co'dex $(touch /tmp/lychd-pwned) \`id\` "x"`;

async function inferred(codexDir: string, layout: { extensionsDir?: string; scroll?: string; extensions?: string[] } = {}) {
  const extensionFiles = (layout.extensions ?? []).map((e) => `${layout.extensionsDir ?? 'extensions'}/${e}/pyproject.toml`);
  const files = [`${codexDir}/lychd.toml`, `${codexDir}/runes/animator/soulstones/vllm/a.toml`, ...extensionFiles];
  const root = writeTree({ ...Object.fromEntries(files.map((f) => [f, ''])), [`${codexDir}/lychd.toml`]: layout.scroll ?? '' });
  const options = { codexDir, ...(layout.extensionsDir ? { extensionsDir: layout.extensionsDir } : {}) };
  const results = (await createNodes[1](files, options, { workspaceRoot: root, nxJsonConfiguration: {}, configFiles: files } as never)) as [
    string,
    CreateNodesResult,
  ][];
  return results.flatMap(([, r]) => Object.values(r.projects ?? {}));
}

/**
 * A target's inputs as Nx hashes them: every name expanded from the project's named inputs, by
 * Nx's own code (a workspace's nx.json names none here). A name the project does not define
 * comes back as a file glob of that name.
 */
const expandedInputs = (project: Omit<ProjectConfiguration, 'root'>, target: string) =>
  expandSingleProjectInputs(project.targets?.[target]?.inputs ?? [], project.namedInputs ?? {}).map((i) =>
    JSON.parse(JSON.stringify(i).replace(/node \S+\/bin\//, 'node <plugin>/bin/')),
  ) as Record<string, unknown>[];

describe('the commands the plugin infers', () => {
  // Paths from nx.json and from the workspace's folders end up in shell lines that Nx runs.
  it('pass every option as one shell word, whatever the paths hold', async () => {
    const projects = await inferred(HOSTILE);
    const commands = projects
      .flatMap((p) => Object.values(p.targets ?? {}))
      .flatMap((t) => (t.options?.command ? [t.options.command as string] : []));
    expect(commands.length).toBeGreaterThan(10);
    let carried = 0;
    for (const command of commands.filter((c) => !c.endsWith('/bin/lychd-forge.js setup'))) {
      expect(command).toMatch(/^node \S+\/bin\/forge-task\.js [a-z-]+ '/);
      // The shell reads the line; the task receives exactly the JSON the plugin meant.
      const words = spawnSync('bash', ['-c', `printf '%s\\n' ${command.slice('node '.length)}`], { encoding: 'utf8' })
        .stdout.trimEnd()
        .split('\n');
      expect(words).toHaveLength(3);
      const options = JSON.parse(words[2]!) as Record<string, unknown>;
      if (Object.values(options).some((v) => typeof v === 'string' && v.startsWith(HOSTILE))) carried++;
    }
    // validate, context, the rune folder's scribe, the five synthesis stages, federate, flake, flake-check and the five image targets (with debian-lock) name the Codex folder, verbatim.
    expect(carried).toBe(16);
    expect(fs.existsSync('/tmp/lychd-pwned')).toBe(false);
  });
});

const pluginPackage = JSON.parse(fs.readFileSync(path.join(__dirname, '../../tools/package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('the inferred configuration', () => {
  // Every field of every target, as Nx reads it: inputs, outputs and dependsOn decide what a
  // cache hit may reuse. The fixture workspace lies outside this one: the package is reached by a
  // relative path, written here as <plugin>.
  // The plugin's own packages (an input of every target that runs its code) are written once as
  // <the plugin's packages>, and checked on their own below.
  const PLUGIN_PACKAGES = JSON.stringify({ externalDependencies: Object.keys(pluginPackage.dependencies).sort() });
  const shown = <T>(value: T): T =>
    JSON.parse(
      JSON.stringify(value)
        .replace(
          /(?:node )?[^\s'"]*\/bin\/([a-z-]+\.js)/g,
          (m, script: string) => `${m.startsWith('node ') ? 'node ' : ''}<plugin>/bin/${script}`,
        )
        .replaceAll(PLUGIN_PACKAGES, '"<the plugin\'s packages>"'),
    ) as T;
  const targetsOf = (projects: Awaited<ReturnType<typeof inferred>>) =>
    shown(Object.fromEntries(projects.map((p) => [p.name, p.targets ?? {}])) as Record<string, Record<string, TargetConfiguration>>);
  const namedInputsOf = (projects: Awaited<ReturnType<typeof inferred>>) =>
    shown(Object.fromEntries(projects.map((p) => [p.name, p.namedInputs ?? {}])));

  it("names the plugin's own packages as an input, so a new version of any of them reruns its targets", async () => {
    const all = (await inferred('codex')).flatMap((p) => Object.keys(p.targets ?? {}).flatMap((t) => expandedInputs(p, t)));
    expect(all.filter((i) => JSON.stringify(i) === PLUGIN_PACKAGES).length).toBeGreaterThan(10);
    expect(JSON.parse(PLUGIN_PACKAGES)).toMatchInlineSnapshot(`
      {
        "externalDependencies": [
          "ajv",
          "commander",
          "diff",
          "nunjucks",
          "re2js",
          "semver",
          "smol-toml",
          "toml-eslint-parser",
          "zod",
        ],
      }
    `);
  });

  it('describes every target, for the default layout', async () => {
    const projects = await inferred('codex', { extensions: ['oracle'] });
    expect(namedInputsOf(projects)).toMatchInlineSnapshot(`
      {
        "codex": {
          "lychd-codex": [
            "{workspaceRoot}/codex/**/*.toml",
            "{workspaceRoot}/extensions/*/pyproject.toml",
            "{workspaceRoot}/extensions/*/runes/**/*.toml",
            "{workspaceRoot}/forge/federation.json",
            "{workspaceRoot}/extensions/*/**/*.schema.json",
          ],
          "lychd-node-projects": [
            "{workspaceRoot}/core/package.json",
            "{workspaceRoot}/extensions/*/package.json",
          ],
          "lychd-plugin": [
            {
              "externalDependencies": [
                "@lychd/forge",
              ],
            },
            "lychd-plugin-packages",
          ],
          "lychd-plugin-packages": [
            "<the plugin's packages>",
          ],
          "lychd-python-projects": [
            "{workspaceRoot}/core/pyproject.toml",
            "{workspaceRoot}/extensions/*/pyproject.toml",
          ],
          "lychd-tailwind-configs": [
            "{workspaceRoot}/core/tailwind.config.*",
            "{workspaceRoot}/extensions/*/tailwind.config.*",
          ],
        },
        "extension-oracle": {},
        "forge": {
          "lychd-base": [
            {
              "dependentTasksOutputFiles": "**/dist/forge/base/base.json",
            },
          ],
          "lychd-buildah-version": [
            {
              "runtime": "node <plugin>/bin/tool-version.js buildah",
            },
          ],
          "lychd-codex": [
            "{workspaceRoot}/codex/**/*.toml",
            "{workspaceRoot}/extensions/*/pyproject.toml",
            "{workspaceRoot}/extensions/*/runes/**/*.toml",
            "{workspaceRoot}/forge/federation.json",
            "{workspaceRoot}/extensions/*/**/*.schema.json",
          ],
          "lychd-components": [
            "{workspaceRoot}/core/**/*",
            "{workspaceRoot}/extensions/**/*",
          ],
          "lychd-mmdebstrap-version": [
            {
              "runtime": "node <plugin>/bin/tool-version.js mmdebstrap",
            },
          ],
          "lychd-node-projects": [
            "{workspaceRoot}/core/package.json",
            "{workspaceRoot}/extensions/*/package.json",
          ],
          "lychd-npm-version": [
            {
              "runtime": "node <plugin>/bin/tool-version.js npm",
            },
          ],
          "lychd-plugin": [
            {
              "externalDependencies": [
                "@lychd/forge",
              ],
            },
            "lychd-plugin-packages",
          ],
          "lychd-plugin-packages": [
            "<the plugin's packages>",
          ],
          "lychd-python-projects": [
            "{workspaceRoot}/core/pyproject.toml",
            "{workspaceRoot}/extensions/*/pyproject.toml",
          ],
          "lychd-settings": [
            {
              "dependentTasksOutputFiles": "**/dist/forge/context/forge.json",
            },
          ],
          "lychd-skopeo-version": [
            {
              "runtime": "node <plugin>/bin/tool-version.js skopeo",
            },
          ],
          "lychd-tailwind-configs": [
            "{workspaceRoot}/core/tailwind.config.*",
            "{workspaceRoot}/extensions/*/tailwind.config.*",
          ],
          "lychd-uv-version": [
            {
              "runtime": "node <plugin>/bin/tool-version.js uv",
            },
          ],
        },
        "quadlets": {
          "lychd-codex": [
            "{workspaceRoot}/codex/**/*.toml",
            "{workspaceRoot}/extensions/*/pyproject.toml",
            "{workspaceRoot}/extensions/*/runes/**/*.toml",
            "{workspaceRoot}/forge/federation.json",
            "{workspaceRoot}/extensions/*/**/*.schema.json",
          ],
          "lychd-plugin": [
            {
              "externalDependencies": [
                "@lychd/forge",
              ],
            },
            "lychd-plugin-packages",
          ],
          "lychd-plugin-packages": [
            "<the plugin's packages>",
          ],
        },
        "runes-vllm": {
          "lychd-plugin-packages": [
            "<the plugin's packages>",
          ],
        },
      }
    `);
    expect(targetsOf(projects)).toMatchInlineSnapshot(`
      {
        "codex": {
          "context": {
            "cache": true,
            "executor": "nx:run-commands",
            "inputs": [
              "lychd-codex",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Extract the facts each render reads from the Codex (covens, ports, secrets, settings).",
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js context '{"codexDir":"codex","extensionsDir":"extensions","outputDir":"dist/forge/context"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/context",
            ],
          },
          "validate": {
            "cache": true,
            "executor": "nx:run-commands",
            "inputs": [
              "lychd-codex",
              "lychd-python-projects",
              "lychd-node-projects",
              "lychd-tailwind-configs",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Validate the Codex: every rune file, the Prime Scroll and every rule across them.",
              "help": {
                "command": "npx lychd-forge validate --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js validate '{"codexDir":"codex","extensionsDir":"extensions"}'",
            },
            "outputs": [],
          },
        },
        "extension-oracle": {},
        "forge": {
          "base": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/forge/synthesis/debian.lock.json",
              "lychd-settings",
              "lychd-mmdebstrap-version",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Build the Debian base of the image with mmdebstrap from the Debian lock's .deb files (cached per machine), or record the pinned base image.",
              "help": {
                "command": "npx lychd-forge image --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js forge '{"stage":"base","codexDir":"codex"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/base",
            ],
          },
          "containerfile": {
            "cache": true,
            "dependsOn": [
              "base",
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/forge/synthesis.lock.json",
              "{workspaceRoot}/forge/templates/**/*",
              "lychd-settings",
              "lychd-base",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Render forge/Containerfile from its template, the Synthesis Manifest and the base.",
              "help": {
                "command": "npx lychd-forge containerfile --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js forge '{"stage":"containerfile","codexDir":"codex"}'",
            },
            "outputs": [
              "{workspaceRoot}/forge/Containerfile",
            ],
          },
          "containerfile-check": {
            "cache": false,
            "dependsOn": [
              "base",
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/forge/synthesis.lock.json",
              "{workspaceRoot}/forge/templates/**/*",
              "lychd-settings",
              "lychd-base",
              "lychd-plugin",
              "{workspaceRoot}/forge/Containerfile",
            ],
            "metadata": {
              "description": "Fail when the committed forge/Containerfile is not what the template, manifest and base render.",
              "help": {
                "command": "npx lychd-forge containerfile --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js forge '{"stage":"containerfile-check","codexDir":"codex"}'",
            },
          },
          "debian-lock": {
            "cache": false,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/forge/synthesis.lock.json",
              "lychd-settings",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Lock the base's packages and the extensions' system packages: every .deb with its version and sha256 into forge/synthesis/debian.lock.json.",
              "help": {
                "command": "npx lychd-forge debian-lock --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js forge '{"stage":"debian-lock","codexDir":"codex"}'",
            },
          },
          "federate": {
            "cache": true,
            "dependsOn": [
              "lock-python",
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/core/src/**/*",
              "{workspaceRoot}/extensions/*/src/**/*",
              "{workspaceRoot}/extensions/*/pyproject.toml",
              {
                "dependentTasksOutputFiles": "**/forge/synthesis/python/uv.lock",
              },
              "lychd-uv-version",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Run the active extensions' register(context) hooks in the locked environment and write forge/federation.json.",
              "help": {
                "command": "npx lychd-forge federate --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js federate '{"codexDir":"codex","extensionsDir":"extensions"}'",
            },
            "outputs": [
              "{workspaceRoot}/forge/federation.json",
              "{workspaceRoot}/forge/federation.sources.json",
            ],
          },
          "flake": {
            "cache": true,
            "dependsOn": [
              "synthesize",
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/codex/lychd.toml",
              "{workspaceRoot}/forge/synthesis.lock.json",
              "{workspaceRoot}/forge/synthesis/debian.lock.json",
              "{workspaceRoot}/forge/templates/flake.nix.njk",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Render flake.nix, the Sovereign path, from the Synthesis Manifest and the Prime Scroll.",
              "help": {
                "command": "npx lychd-forge flake --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js flake '{"codexDir":"codex"}'",
            },
            "outputs": [
              "{workspaceRoot}/flake.nix",
            ],
          },
          "flake-check": {
            "cache": false,
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/codex/lychd.toml",
              "{workspaceRoot}/forge/**/*",
              "{workspaceRoot}/flake.nix",
              "{workspaceRoot}/flake.lock",
            ],
            "metadata": {
              "description": "Fail when flake.nix is stale or flake.lock is not the one the Synthesis Manifest records.",
              "help": {
                "command": "npx lychd-forge flake --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js flake '{"codexDir":"codex","check":true}'",
            },
          },
          "image": {
            "cache": true,
            "dependsOn": [
              "containerfile",
              "base",
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/forge/synthesis.lock.json",
              "{workspaceRoot}/forge/Containerfile",
              "lychd-base",
              "lychd-buildah-version",
              "lychd-skopeo-version",
              "{workspaceRoot}/forge/synthesis/python/*",
              "{workspaceRoot}/forge/synthesis/node/*",
              "{workspaceRoot}/forge/synthesis/tailwind/*",
              "lychd-components",
              "!{workspaceRoot}/extensions/*/runes/**/*",
              "lychd-settings",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Build the image with buildah, reproducibly and offline, into dist/forge/image/ (OCI layout + image.json).",
              "help": {
                "command": "npx lychd-forge image --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js forge '{"stage":"image","codexDir":"codex"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/image",
            ],
          },
          "lock-node": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "lychd-node-projects",
              "lychd-settings",
              "lychd-npm-version",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Merge the components' package.json files, check their ranges agree, and lock them with npm.",
              "help": {
                "command": "npx lychd-forge synthesize --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"node","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            },
            "outputs": [
              "{workspaceRoot}/forge/synthesis/node",
            ],
          },
          "lock-python": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "lychd-python-projects",
              "lychd-settings",
              "lychd-uv-version",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Merge the core and extension pyproject files into a uv workspace and lock it with uv.",
              "help": {
                "command": "npx lychd-forge synthesize --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"python","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            },
            "outputs": [
              "{workspaceRoot}/forge/synthesis/python",
            ],
          },
          "setup": {
            "cache": false,
            "executor": "nx:run-commands",
            "inputs": [],
            "metadata": {
              "description": "Install the tools beyond npm packages (uv, the quadlet generator, buildah, mmdebstrap, Nix...) into the workspace's .tools.",
              "help": {
                "command": "npx lychd-forge setup --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/lychd-forge.js setup",
            },
          },
          "synthesize": {
            "cache": true,
            "dependsOn": [
              "lock-python",
              "lock-node",
              "tailwind",
              {
                "projects": [
                  "quadlets",
                ],
                "target": "scribe",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/codex/lychd.toml",
              "lychd-components",
              "{workspaceRoot}/forge/templates/**/*",
              "{workspaceRoot}/flake.lock",
              "{workspaceRoot}/forge/federation.json",
              {
                "dependentTasksOutputFiles": "**/*",
              },
              "lychd-uv-version",
              "lychd-npm-version",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Write the Synthesis Manifest, forge/synthesis.lock.json: every input, lock and dependency hash.",
              "help": {
                "command": "npx lychd-forge synthesize --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"manifest","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            },
            "outputs": [
              "{workspaceRoot}/forge/synthesis.lock.json",
            ],
          },
          "synthesize-check": {
            "cache": false,
            "dependsOn": [
              {
                "projects": [
                  "quadlets",
                ],
                "target": "scribe",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "lychd-codex",
              "lychd-plugin",
              "lychd-components",
              "{workspaceRoot}/forge/**/*",
              "{workspaceRoot}/flake.lock",
            ],
            "metadata": {
              "description": "Fail with a diff when the committed Synthesis Manifest or a lock is not current.",
              "help": {
                "command": "npx lychd-forge synthesize --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"check","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            },
          },
          "tailwind": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "lychd-tailwind-configs",
              "lychd-settings",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Merge the components' Tailwind configs into one config with their presets and content paths.",
              "help": {
                "command": "npx lychd-forge synthesize --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"tailwind","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            },
            "outputs": [
              "{workspaceRoot}/forge/synthesis/tailwind",
            ],
          },
        },
        "quadlets": {
          "bind": {
            "cache": true,
            "dependsOn": [
              "scribe",
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "lychd-codex",
              "lychd-plugin",
              {
                "dependentTasksOutputFiles": "**/*",
              },
              {
                "runtime": "node <plugin>/bin/binding-state.js quadlets/generation",
              },
            ],
            "metadata": {
              "description": "Install the rendered generation into the Binding Site with one atomic switch.",
              "help": {
                "command": "npx lychd-forge bind --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js bind '{"generationDir":"quadlets/generation","facts":"dist/forge/context/secrets.json"}'",
            },
            "outputs": [],
          },
          "bind-check": {
            "cache": false,
            "dependsOn": [
              "scribe",
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "lychd-codex",
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Compare the Binding Site with the rendered generation; fail with a diff on drift.",
              "help": {
                "command": "npx lychd-forge bind --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js bind '{"generationDir":"quadlets/generation","facts":"dist/forge/context/secrets.json","check":true}'",
            },
          },
          "scribe": {
            "cache": true,
            "dependsOn": [
              "scribe-pod",
              "scribe-core",
              "scribe-observability",
              "scribe-capabilities",
              "scribe-federated",
              {
                "projects": [
                  "runes-vllm",
                ],
                "target": "scribe",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              {
                "dependentTasksOutputFiles": "**/*",
              },
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Assemble the Quadlet generation from the rendered rune folders and the aggregates.",
              "help": {
                "command": "npx lychd-forge scribe --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js assemble '{"runesDir":"dist/forge/runes","runes":["runes-vllm"],"aggregates":["pod","core","observability","capabilities","federated"],"aggregatesDir":"dist/forge/aggregates","outputDir":"quadlets/generation"}'",
            },
            "outputs": [
              "{workspaceRoot}/quadlets/generation",
            ],
          },
          "scribe-capabilities": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              {
                "dependentTasksOutputFiles": "**/dist/forge/context/capabilities.json",
              },
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Write capabilities.json (every soulstone and portal with its capabilities and covens) and one coven-<name>.target per coven.",
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"capabilities","facts":"dist/forge/context/capabilities.json","outputDir":"dist/forge/aggregates/capabilities"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/aggregates/capabilities",
            ],
          },
          "scribe-core": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              {
                "dependentTasksOutputFiles": "**/dist/forge/context/core.json",
              },
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Render the core services: the Vessel, the Phylactery and the Oculus.",
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"core","facts":"dist/forge/context/core.json","outputDir":"dist/forge/aggregates/core"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/aggregates/core",
            ],
          },
          "scribe-federated": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              {
                "dependentTasksOutputFiles": "**/dist/forge/context/federated.json",
              },
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Render the soulstones no rune folder holds: registered by a hook, or runes of an extension family that renders as a built-in one.",
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"federated","facts":"dist/forge/context/federated.json","outputDir":"dist/forge/aggregates/federated"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/aggregates/federated",
            ],
          },
          "scribe-observability": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              {
                "dependentTasksOutputFiles": "**/dist/forge/context/observability.json",
              },
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Render the Harvester (Prometheus) and the Scribe (Grafana) and their configuration.",
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"observability","facts":"dist/forge/context/observability.json","outputDir":"dist/forge/aggregates/observability"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/aggregates/observability",
            ],
          },
          "scribe-pod": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              {
                "dependentTasksOutputFiles": "**/dist/forge/context/pod.json",
              },
              "lychd-plugin",
            ],
            "metadata": {
              "description": "Render lychd.pod: the ports the pod publishes and its user namespace.",
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"pod","facts":"dist/forge/context/pod.json","outputDir":"dist/forge/aggregates/pod"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/aggregates/pod",
            ],
          },
        },
        "runes-vllm": {
          "bind": {
            "dependsOn": [
              "scribe",
            ],
            "executor": "nx:noop",
            "inputs": [],
            "metadata": {
              "description": "Render this rune folder and install the generation (runs quadlets:bind through \`nx affected -t bind\`).",
              "help": {
                "command": "npx lychd-forge bind --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
          },
          "scribe": {
            "cache": true,
            "dependsOn": [
              {
                "projects": [
                  "codex",
                ],
                "target": "context",
              },
            ],
            "executor": "nx:run-commands",
            "inputs": [
              "{workspaceRoot}/codex/runes/animator/soulstones/vllm/*.toml",
              {
                "dependentTasksOutputFiles": "**/dist/forge/context/scribe-context.json",
              },
              "lychd-plugin-packages",
            ],
            "metadata": {
              "description": "Render the Quadlet units of this rune folder's runes.",
              "help": {
                "command": "npx lychd-forge scribe --help",
                "example": {},
              },
              "technologies": [
                "lychd-forge",
              ],
            },
            "options": {
              "command": "node <plugin>/bin/forge-task.js scribe-runes '{"folder":"codex/runes/animator/soulstones/vllm","codexDir":"codex","extensionsDir":"extensions","facts":"dist/forge/context/scribe-context.json","outputFile":"dist/forge/runes/runes-vllm.json"}'",
            },
            "outputs": [
              "{workspaceRoot}/dist/forge/runes/runes-vllm.json",
            ],
          },
        },
      }
    `);
  });

  it('follows a custom Codex folder into every command', async () => {
    const projects = await inferred('deploy/my-codex');
    expect(projects.map((p) => [p.name, p.root])).toMatchInlineSnapshot(`
      [
        [
          "runes-vllm",
          "deploy/my-codex/runes/animator/soulstones/vllm",
        ],
        [
          "codex",
          "deploy/my-codex",
        ],
        [
          "quadlets",
          "quadlets",
        ],
        [
          "forge",
          "forge",
        ],
      ]
    `);
    expect(projects.find((p) => p.name === 'codex')?.targets?.['validate']?.options?.command).toContain('"codexDir":"deploy/my-codex"');
  });

  it("follows a custom layout and the Prime Scroll's core into the synthesis and image targets", async () => {
    const projects = await inferred('config/codex', {
      extensionsDir: 'plugins',
      scroll: '[forge]\ncore = "app"\n',
      extensions: ['oracle'],
    });
    const forge = projects.find((p) => p.name === 'forge')!;
    expect(forge.implicitDependencies).toContain('extension-oracle');
    const targets = ['lock-python', 'federate', 'synthesize', 'synthesize-check', 'image'];
    expect(namedInputsOf(projects)['forge']).toMatchInlineSnapshot(`
      {
        "lychd-base": [
          {
            "dependentTasksOutputFiles": "**/dist/forge/base/base.json",
          },
        ],
        "lychd-buildah-version": [
          {
            "runtime": "node <plugin>/bin/tool-version.js buildah",
          },
        ],
        "lychd-codex": [
          "{workspaceRoot}/config/codex/**/*.toml",
          "{workspaceRoot}/plugins/*/pyproject.toml",
          "{workspaceRoot}/plugins/*/runes/**/*.toml",
          "{workspaceRoot}/forge/federation.json",
          "{workspaceRoot}/plugins/*/**/*.schema.json",
        ],
        "lychd-components": [
          "{workspaceRoot}/app/**/*",
          "{workspaceRoot}/plugins/**/*",
        ],
        "lychd-mmdebstrap-version": [
          {
            "runtime": "node <plugin>/bin/tool-version.js mmdebstrap",
          },
        ],
        "lychd-node-projects": [
          "{workspaceRoot}/app/package.json",
          "{workspaceRoot}/plugins/*/package.json",
        ],
        "lychd-npm-version": [
          {
            "runtime": "node <plugin>/bin/tool-version.js npm",
          },
        ],
        "lychd-plugin": [
          {
            "externalDependencies": [
              "@lychd/forge",
            ],
          },
          "lychd-plugin-packages",
        ],
        "lychd-plugin-packages": [
          "<the plugin's packages>",
        ],
        "lychd-python-projects": [
          "{workspaceRoot}/app/pyproject.toml",
          "{workspaceRoot}/plugins/*/pyproject.toml",
        ],
        "lychd-settings": [
          {
            "dependentTasksOutputFiles": "**/dist/forge/context/forge.json",
          },
        ],
        "lychd-skopeo-version": [
          {
            "runtime": "node <plugin>/bin/tool-version.js skopeo",
          },
        ],
        "lychd-tailwind-configs": [
          "{workspaceRoot}/app/tailwind.config.*",
          "{workspaceRoot}/plugins/*/tailwind.config.*",
        ],
        "lychd-uv-version": [
          {
            "runtime": "node <plugin>/bin/tool-version.js uv",
          },
        ],
      }
    `);
    const all = targetsOf(projects)['forge']!;
    expect(Object.fromEntries(targets.map((name) => [name, all[name]]))).toMatchInlineSnapshot(`
      {
        "federate": {
          "cache": true,
          "dependsOn": [
            "lock-python",
          ],
          "executor": "nx:run-commands",
          "inputs": [
            "{workspaceRoot}/app/src/**/*",
            "{workspaceRoot}/plugins/*/src/**/*",
            "{workspaceRoot}/plugins/*/pyproject.toml",
            {
              "dependentTasksOutputFiles": "**/forge/synthesis/python/uv.lock",
            },
            "lychd-uv-version",
            "lychd-plugin",
          ],
          "metadata": {
            "description": "Run the active extensions' register(context) hooks in the locked environment and write forge/federation.json.",
            "help": {
              "command": "npx lychd-forge federate --help",
              "example": {},
            },
            "technologies": [
              "lychd-forge",
            ],
          },
          "options": {
            "command": "node <plugin>/bin/forge-task.js federate '{"codexDir":"config/codex","extensionsDir":"plugins"}'",
          },
          "outputs": [
            "{workspaceRoot}/forge/federation.json",
            "{workspaceRoot}/forge/federation.sources.json",
          ],
        },
        "image": {
          "cache": true,
          "dependsOn": [
            "containerfile",
            "base",
            {
              "projects": [
                "codex",
              ],
              "target": "context",
            },
          ],
          "executor": "nx:run-commands",
          "inputs": [
            "{workspaceRoot}/forge/synthesis.lock.json",
            "{workspaceRoot}/forge/Containerfile",
            "lychd-base",
            "lychd-buildah-version",
            "lychd-skopeo-version",
            "{workspaceRoot}/forge/synthesis/python/*",
            "{workspaceRoot}/forge/synthesis/node/*",
            "{workspaceRoot}/forge/synthesis/tailwind/*",
            "lychd-components",
            "!{workspaceRoot}/plugins/*/runes/**/*",
            "lychd-settings",
            "lychd-plugin",
          ],
          "metadata": {
            "description": "Build the image with buildah, reproducibly and offline, into dist/forge/image/ (OCI layout + image.json).",
            "help": {
              "command": "npx lychd-forge image --help",
              "example": {},
            },
            "technologies": [
              "lychd-forge",
            ],
          },
          "options": {
            "command": "node <plugin>/bin/forge-task.js forge '{"stage":"image","codexDir":"config/codex"}'",
          },
          "outputs": [
            "{workspaceRoot}/dist/forge/image",
          ],
        },
        "lock-python": {
          "cache": true,
          "dependsOn": [
            {
              "projects": [
                "codex",
              ],
              "target": "context",
            },
          ],
          "executor": "nx:run-commands",
          "inputs": [
            "lychd-python-projects",
            "lychd-settings",
            "lychd-uv-version",
            "lychd-plugin",
          ],
          "metadata": {
            "description": "Merge the core and extension pyproject files into a uv workspace and lock it with uv.",
            "help": {
              "command": "npx lychd-forge synthesize --help",
              "example": {},
            },
            "technologies": [
              "lychd-forge",
            ],
          },
          "options": {
            "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"python","codexDir":"config/codex","extensionsDir":"plugins","quadletsDir":"quadlets/generation"}'",
          },
          "outputs": [
            "{workspaceRoot}/forge/synthesis/python",
          ],
        },
        "synthesize": {
          "cache": true,
          "dependsOn": [
            "lock-python",
            "lock-node",
            "tailwind",
            {
              "projects": [
                "quadlets",
              ],
              "target": "scribe",
            },
          ],
          "executor": "nx:run-commands",
          "inputs": [
            "{workspaceRoot}/config/codex/lychd.toml",
            "lychd-components",
            "{workspaceRoot}/forge/templates/**/*",
            "{workspaceRoot}/flake.lock",
            "{workspaceRoot}/forge/federation.json",
            {
              "dependentTasksOutputFiles": "**/*",
            },
            "lychd-uv-version",
            "lychd-npm-version",
            "lychd-plugin",
          ],
          "metadata": {
            "description": "Write the Synthesis Manifest, forge/synthesis.lock.json: every input, lock and dependency hash.",
            "help": {
              "command": "npx lychd-forge synthesize --help",
              "example": {},
            },
            "technologies": [
              "lychd-forge",
            ],
          },
          "options": {
            "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"manifest","codexDir":"config/codex","extensionsDir":"plugins","quadletsDir":"quadlets/generation"}'",
          },
          "outputs": [
            "{workspaceRoot}/forge/synthesis.lock.json",
          ],
        },
        "synthesize-check": {
          "cache": false,
          "dependsOn": [
            {
              "projects": [
                "quadlets",
              ],
              "target": "scribe",
            },
          ],
          "executor": "nx:run-commands",
          "inputs": [
            "lychd-codex",
            "lychd-plugin",
            "lychd-components",
            "{workspaceRoot}/forge/**/*",
            "{workspaceRoot}/flake.lock",
          ],
          "metadata": {
            "description": "Fail with a diff when the committed Synthesis Manifest or a lock is not current.",
            "help": {
              "command": "npx lychd-forge synthesize --help",
              "example": {},
            },
            "technologies": [
              "lychd-forge",
            ],
          },
          "options": {
            "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"check","codexDir":"config/codex","extensionsDir":"plugins","quadletsDir":"quadlets/generation"}'",
          },
        },
      }
    `);
  });
});

describe('every inferred target', () => {
  // Nx reads a name a project does not define as a file glob of that name, which matches nothing.
  it("names only inputs its project defines, none that could stand for a workspace's own", async () => {
    for (const scroll of ['', '[forge]\nstrategy = "sovereign"\n'])
      for (const p of await inferred('codex', { extensions: ['oracle'], scroll })) {
        expect(Object.keys(p.namedInputs ?? {}).filter((n) => !n.startsWith('lychd-'))).toEqual([]);
        for (const target of Object.keys(p.targets ?? {}))
          for (const input of expandedInputs(p, target))
            if ('fileset' in input) expect(input['fileset'], `${p.name}:${target}`).toMatch(/^!?\{workspaceRoot\}\//);
      }
  });

  // Nx hashes every task it runs, cached or not; without inputs it falls back to its defaults, which
  // read the files of every project depended on, and `quadlets` (only an output folder) has none.
  it('names its inputs', async () => {
    const missing = (await inferred('codex', { extensions: ['oracle'] })).flatMap((p) =>
      Object.entries(p.targets ?? {})
        .filter(([, t]) => t.inputs === undefined)
        .map(([name]) => `${p.name}:${name}`),
    );
    expect(missing).toEqual([]);
  });
});

describe("the image's graph follows [forge] strategy", () => {
  const imageOf = async (scroll: string) => {
    const forge = (await inferred('codex', { scroll })).find((p) => p.name === 'forge')!;
    return {
      dependsOn: forge.targets!['image']!.dependsOn,
      inputs: expandedInputs(forge, 'image').map((i) => (typeof i['fileset'] === 'string' ? i['fileset'] : JSON.stringify(i))),
    };
  };

  it('mundane: the Containerfile on its base, built by buildah', async () => {
    const image = await imageOf('');
    // Each writer of what it hashes named directly (the base record, the settings): see writtenBefore.
    expect(image.dependsOn).toEqual(['containerfile', 'base', { projects: ['codex'], target: 'context' }]);
    expect(image.inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/forge/Containerfile', expect.stringContaining('base.json')]));
    expect(image.inputs).toEqual(expect.arrayContaining([expect.stringContaining('tool-version.js buildah')]));
    expect(image.inputs.join('\n')).not.toMatch(/flake|tool-version\.js nix/);
  });

  it('sovereign: flake.nix and flake.lock, built by Nix; never the base or the Containerfile', async () => {
    const image = await imageOf('[forge]\nstrategy = "sovereign"\n');
    expect(image.dependsOn).toEqual(['flake', { projects: ['codex'], target: 'context' }]);
    expect(image.inputs).toEqual(
      expect.arrayContaining(['{workspaceRoot}/flake.nix', '{workspaceRoot}/flake.lock', expect.stringContaining('tool-version.js nix')]),
    );
    expect(image.inputs.join('\n')).not.toMatch(/Containerfile|base\.json|tool-version\.js buildah/);
  });
});

describe('the extensions the plugin infers', () => {
  it('are the folders the Codex loader accepts: one with an invalid name gets no project', async () => {
    const files = [
      'codex/lychd.toml',
      'extensions/oracle/pyproject.toml',
      'extensions/My_Ext/pyproject.toml',
      'extensions/.hidden/pyproject.toml',
    ];
    const root = writeTree(Object.fromEntries(files.map((f) => [f, ''])));
    const results = (await createNodes[1](files, {}, { workspaceRoot: root, nxJsonConfiguration: {}, configFiles: files } as never)) as [
      string,
      CreateNodesResult,
    ][];
    const names = results
      .flatMap(([, r]) => Object.values(r.projects ?? {}))
      .map((p) => p.name)
      .filter((n) => n?.startsWith('extension-'));
    expect(names).toEqual(['extension-oracle']);
  });
});

describe('the inferred projects, kept between runs', () => {
  const files = ['codex/lychd.toml', 'codex/runes/animator/soulstones/vllm/a.toml'];
  const infer = (root: string) =>
    createNodes[1](files, {}, { workspaceRoot: root, nxJsonConfiguration: {}, configFiles: files } as never) as Promise<
      [string, CreateNodesResult][]
    >;
  const coreInputs = (results: [string, CreateNodesResult][]) => {
    const forge = results.flatMap(([, r]) => Object.values(r.projects ?? {})).find((p) => p.name === 'forge')!;
    return expandedInputs(forge, 'synthesize-check').map((i) => i['fileset']);
  };

  it('are read back while nothing that decides them changed, and inferred again when something did', async () => {
    const root = writeTree({ 'codex/lychd.toml': '', 'codex/runes/animator/soulstones/vllm/a.toml': '' });
    const cacheFile = inferenceCacheFile(root);
    const first = await infer(root);
    expect(coreInputs(first)).toContain('{workspaceRoot}/core/**/*');

    // What is kept is what is served: a marked copy comes back while nothing changed.
    const kept = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { key: string; results: [string, CreateNodesResult][] };
    fs.writeFileSync(cacheFile, JSON.stringify(kept).replaceAll('"forge"', '"forge-from-the-cache"'));
    expect(JSON.stringify(await infer(root))).toContain('forge-from-the-cache');

    // The Prime Scroll moves the core: the key changes, so the projects are inferred again.
    fs.writeFileSync(`${root}/codex/lychd.toml`, '[forge]\ncore = "app"\n');
    const moved = await infer(root);
    expect(JSON.stringify(moved)).not.toContain('forge-from-the-cache');
    expect(coreInputs(moved)).toContain('{workspaceRoot}/app/**/*');

    // A torn cache file is no answer: the plugin infers again.
    fs.writeFileSync(cacheFile, '{"key": ');
    expect(coreInputs(await infer(root))).toContain('{workspaceRoot}/app/**/*');
  });
});

describe('the project names, with a projectPrefix', () => {
  const files = ['codex/lychd.toml', 'codex/runes/animator/soulstones/vllm/a.toml', 'extensions/oracle/pyproject.toml'];
  const infer = (root: string, options: object) =>
    createNodes[1](files, options, { workspaceRoot: root, nxJsonConfiguration: {}, configFiles: files } as never) as Promise<
      [string, CreateNodesResult][]
    >;
  const projectsOf = (results: [string, CreateNodesResult][]) => results.flatMap(([, r]) => Object.values(r.projects ?? {}));
  // The workspace's own project named like one of the Forge's: as `nx g` or a hand would write it.
  const tree = (extra: Record<string, string> = {}) =>
    writeTree({ ...Object.fromEntries(files.map((f) => [f, ''])), 'apps/forge/project.json': '{ "name": "forge" }', ...extra });

  it('prefix every project the plugin infers and every reference between them', async () => {
    const projects = projectsOf(await infer(tree(), { projectPrefix: 'ops-' }));
    expect(projects.map((p) => p.name).sort()).toEqual([
      'ops-codex',
      'ops-extension-oracle',
      'ops-forge',
      'ops-quadlets',
      'ops-runes-vllm',
    ]);
    // Every project another target or project names is one of these: no unprefixed name is left.
    const named = JSON.stringify(projects.map((p) => [p.implicitDependencies, Object.values(p.targets ?? {}).map((t) => t.dependsOn)]));
    const references = [...named.matchAll(/"((?:ops-)?(?:codex|quadlets|forge|runes-vllm|extension-oracle))"/g)].map((m) => m[1]);
    expect(references.length).toBeGreaterThan(10);
    expect(references.every((r) => r!.startsWith('ops-'))).toBe(true);
    const bind = projects.find((p) => p.name === 'ops-runes-vllm')!.targets!['bind']!;
    expect(bind.metadata?.description).toContain('ops-quadlets:bind');
  });

  it("are checked against the workspace's other projects: a clash names the option that resolves it", async () => {
    const root = tree({ 'ops/quadlets/project.json': '{ "name": "ops-quadlets" }' });
    await expect(infer(root, {})).rejects.toThrow(
      /apps\/forge\/project\.json: error\[LYCHD803\]: project "forge" \(apps\/forge\/\) has the name the @lychd\/forge plugin gives its project for forge\/[\s\S]*set the projectPrefix option of the @lychd\/forge plugin in nx\.json, e\.g\. "projectPrefix": "lychd-"/,
    );
    // A prefix that still clashes says so, with the same way out.
    await expect(infer(root, { projectPrefix: 'ops-' })).rejects.toThrow(
      /project "ops-quadlets" \(ops\/quadlets\/\)[\s\S]*choose another projectPrefix/,
    );
    expect(projectsOf(await infer(root, { projectPrefix: 'lychd-' })).map((p) => p.name)).toContain('lychd-forge');
  });

  it("report a project configured at one of the Forge's own roots, which Nx would merge into it", async () => {
    await expect(infer(tree({ 'forge/project.json': '{ "name": "tools" }' }), { projectPrefix: 'x-' })).rejects.toThrow(
      /forge\/project\.json: error\[LYCHD803\]: project "tools" has its root at forge\/, where the @lychd\/forge plugin infers its project "x-forge"/,
    );
  });

  it('refuses a prefix that cannot start a project name, naming the option', async () => {
    await expect(infer(tree(), { projectPrefix: 'Ops $(id)' })).rejects.toThrow(
      /option projectPrefix is "Ops \$\(id\)", not a project name prefix/,
    );
  });
});
