import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNodes, inferenceCacheFile } from '../../tools/src/nx/plugin';
import type { CreateNodesResult, TargetConfiguration } from '@nx/devkit';
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

describe('the inferred configuration', () => {
  const summary = (projects: Awaited<ReturnType<typeof inferred>>) =>
    Object.fromEntries(
      projects.map((p) => [
        p.name,
        Object.fromEntries(
          Object.entries(p.targets ?? {}).map(([name, t]) => [
            name,
            // The fixture workspace lies outside this one: the package is reached by a relative path.
            {
              command: (t.options?.command ?? t.executor).replace(/^node \S+\/bin\//, 'node <plugin>/bin/'),
              cache: t.cache ?? false,
              description: t.metadata?.description,
            },
          ]),
        ),
      ]),
    );

  it('describes every target, for the default layout', async () => {
    expect(summary(await inferred('codex'))).toMatchInlineSnapshot(`
      {
        "codex": {
          "context": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js context '{"codexDir":"codex","extensionsDir":"extensions","outputDir":"dist/forge/context"}'",
            "description": "Extract the facts each render reads from the Codex (covens, ports, secrets, settings).",
          },
          "validate": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js validate '{"codexDir":"codex","extensionsDir":"extensions"}'",
            "description": "Validate the Codex: every rune file, the Prime Scroll and every rule across them.",
          },
        },
        "forge": {
          "base": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js forge '{"stage":"base","codexDir":"codex"}'",
            "description": "Build the Debian base of the image with mmdebstrap from the Debian lock's .deb files (cached per machine), or record the pinned base image.",
          },
          "containerfile": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js forge '{"stage":"containerfile","codexDir":"codex"}'",
            "description": "Render forge/Containerfile from its template, the Synthesis Manifest and the base.",
          },
          "containerfile-check": {
            "cache": false,
            "command": "node <plugin>/bin/forge-task.js forge '{"stage":"containerfile-check","codexDir":"codex"}'",
            "description": "Fail when the committed forge/Containerfile is not what the template, manifest and base render.",
          },
          "debian-lock": {
            "cache": false,
            "command": "node <plugin>/bin/forge-task.js forge '{"stage":"debian-lock","codexDir":"codex"}'",
            "description": "Lock the base's packages and the extensions' system packages: every .deb with its version and sha256 into forge/synthesis/debian.lock.json.",
          },
          "federate": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js federate '{"codexDir":"codex","extensionsDir":"extensions"}'",
            "description": "Run the active extensions' register(context) hooks in the locked environment and write forge/federation.json.",
          },
          "flake": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js flake '{"codexDir":"codex"}'",
            "description": "Render flake.nix, the Sovereign path, from the Synthesis Manifest and the Prime Scroll.",
          },
          "flake-check": {
            "cache": false,
            "command": "node <plugin>/bin/forge-task.js flake '{"codexDir":"codex","check":true}'",
            "description": "Fail when flake.nix is stale or flake.lock is not the one the Synthesis Manifest records.",
          },
          "image": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js forge '{"stage":"image","codexDir":"codex"}'",
            "description": "Build the image with buildah, reproducibly and offline, into dist/forge/image/ (OCI layout + image.json).",
          },
          "lock-node": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"node","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            "description": "Merge the components' package.json files, check their ranges agree, and lock them with npm.",
          },
          "lock-python": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"python","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            "description": "Merge the core and extension pyproject files into a uv workspace and lock it with uv.",
          },
          "setup": {
            "cache": false,
            "command": "node <plugin>/bin/lychd-forge.js setup",
            "description": "Install the tools beyond npm packages (uv, the quadlet generator, buildah, mmdebstrap, Nix...) into the workspace's .tools.",
          },
          "synthesize": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"manifest","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            "description": "Write the Synthesis Manifest, forge/synthesis.lock.json: every input, lock and dependency hash.",
          },
          "synthesize-check": {
            "cache": false,
            "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"check","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            "description": "Fail with a diff when the committed Synthesis Manifest or a lock is not current.",
          },
          "tailwind": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"tailwind","codexDir":"codex","extensionsDir":"extensions","quadletsDir":"quadlets/generation"}'",
            "description": "Merge the components' Tailwind configs into one config with their presets and content paths.",
          },
        },
        "quadlets": {
          "bind": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js bind '{"generationDir":"quadlets/generation","facts":"dist/forge/context/secrets.json"}'",
            "description": "Install the rendered generation into the Binding Site with one atomic switch.",
          },
          "bind-check": {
            "cache": false,
            "command": "node <plugin>/bin/forge-task.js bind '{"generationDir":"quadlets/generation","facts":"dist/forge/context/secrets.json","check":true}'",
            "description": "Compare the Binding Site with the rendered generation; fail with a diff on drift.",
          },
          "scribe": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js assemble '{"runesDir":"dist/forge/runes","runes":["runes-vllm"],"aggregates":["pod","core","observability","capabilities","federated"],"aggregatesDir":"dist/forge/aggregates","outputDir":"quadlets/generation"}'",
            "description": "Assemble the Quadlet generation from the rendered rune folders and the aggregates.",
          },
          "scribe-capabilities": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"capabilities","facts":"dist/forge/context/capabilities.json","outputDir":"dist/forge/aggregates/capabilities"}'",
            "description": "Write capabilities.json (every soulstone and portal with its capabilities and covens) and one coven-<name>.target per coven.",
          },
          "scribe-core": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"core","facts":"dist/forge/context/core.json","outputDir":"dist/forge/aggregates/core"}'",
            "description": "Render the core services: the Vessel, the Phylactery and the Oculus.",
          },
          "scribe-federated": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"federated","facts":"dist/forge/context/federated.json","outputDir":"dist/forge/aggregates/federated"}'",
            "description": "Render the soulstones no rune folder holds: registered by a hook, or runes of an extension family that renders as a built-in one.",
          },
          "scribe-observability": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"observability","facts":"dist/forge/context/observability.json","outputDir":"dist/forge/aggregates/observability"}'",
            "description": "Render the Harvester (Prometheus) and the Scribe (Grafana) and their configuration.",
          },
          "scribe-pod": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js scribe-aggregate '{"part":"pod","facts":"dist/forge/context/pod.json","outputDir":"dist/forge/aggregates/pod"}'",
            "description": "Render lychd.pod: the ports the pod publishes and its user namespace.",
          },
        },
        "runes-vllm": {
          "bind": {
            "cache": false,
            "command": "nx:noop",
            "description": "Render this rune folder and install the generation (runs quadlets:bind through \`nx affected -t bind\`).",
          },
          "scribe": {
            "cache": true,
            "command": "node <plugin>/bin/forge-task.js scribe-runes '{"folder":"codex/runes/animator/soulstones/vllm","codexDir":"codex","extensionsDir":"extensions","context":"dist/forge/context/scribe-context.json","outputFile":"dist/forge/runes/runes-vllm.json"}'",
            "description": "Render the Quadlet units of this rune folder's runes.",
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
    const layoutOf = (t: TargetConfiguration) => ({
      command: (t.options?.command as string | undefined)?.replace(/^node \S+\/bin\//, 'node <plugin>/bin/'),
      inputs: (t.inputs ?? []).filter((i): i is string => typeof i === 'string' && /config\/codex|plugins|app/.test(i)),
    });
    const targets = ['lock-python', 'federate', 'synthesize', 'synthesize-check', 'image'];
    expect(Object.fromEntries(targets.map((name) => [name, layoutOf(forge.targets![name]!)]))).toMatchInlineSnapshot(`
      {
        "federate": {
          "command": "node <plugin>/bin/forge-task.js federate '{"codexDir":"config/codex","extensionsDir":"plugins"}'",
          "inputs": [
            "{workspaceRoot}/app/src/**/*",
            "{workspaceRoot}/plugins/*/src/**/*",
            "{workspaceRoot}/plugins/*/pyproject.toml",
          ],
        },
        "image": {
          "command": "node <plugin>/bin/forge-task.js forge '{"stage":"image","codexDir":"config/codex"}'",
          "inputs": [
            "{workspaceRoot}/app/**/*",
            "{workspaceRoot}/plugins/**/*",
            "!{workspaceRoot}/plugins/*/runes/**/*",
          ],
        },
        "lock-python": {
          "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"python","codexDir":"config/codex","extensionsDir":"plugins","quadletsDir":"quadlets/generation"}'",
          "inputs": [
            "{workspaceRoot}/app/pyproject.toml",
            "{workspaceRoot}/plugins/*/pyproject.toml",
          ],
        },
        "synthesize": {
          "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"manifest","codexDir":"config/codex","extensionsDir":"plugins","quadletsDir":"quadlets/generation"}'",
          "inputs": [
            "{workspaceRoot}/config/codex/lychd.toml",
            "{workspaceRoot}/app/**/*",
            "{workspaceRoot}/plugins/**/*",
          ],
        },
        "synthesize-check": {
          "command": "node <plugin>/bin/forge-task.js synthesis '{"stage":"check","codexDir":"config/codex","extensionsDir":"plugins","quadletsDir":"quadlets/generation"}'",
          "inputs": [
            "{workspaceRoot}/config/codex/**/*.toml",
            "{workspaceRoot}/plugins/*/pyproject.toml",
            "{workspaceRoot}/plugins/*/runes/**/*.toml",
            "{workspaceRoot}/plugins/*/**/*.schema.json",
            "{workspaceRoot}/app/**/*",
            "{workspaceRoot}/plugins/**/*",
          ],
        },
      }
    `);
  });
});

describe('every inferred target', () => {
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
    const image = forge.targets!['image']!;
    return {
      dependsOn: image.dependsOn,
      inputs: (image.inputs ?? []).map((i) =>
        typeof i === 'string' ? i : JSON.stringify(i).replace(/node \S+\/bin\//, 'node <plugin>/bin/'),
      ),
    };
  };

  it('mundane: the Containerfile on its base, built by buildah', async () => {
    const image = await imageOf('');
    expect(image.dependsOn).toEqual(['containerfile']);
    expect(image.inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/forge/Containerfile', expect.stringContaining('base.json')]));
    expect(image.inputs).toEqual(expect.arrayContaining([expect.stringContaining('tool-version.js buildah')]));
    expect(image.inputs.join('\n')).not.toMatch(/flake|tool-version\.js nix/);
  });

  it('sovereign: flake.nix and flake.lock, built by Nix; never the base or the Containerfile', async () => {
    const image = await imageOf('[forge]\nstrategy = "sovereign"\n');
    expect(image.dependsOn).toEqual(['flake']);
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
  const coreInputs = (results: [string, CreateNodesResult][]) =>
    results.flatMap(([, r]) => Object.values(r.projects ?? {})).find((p) => p.name === 'forge')?.targets?.['synthesize-check']?.inputs;

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
