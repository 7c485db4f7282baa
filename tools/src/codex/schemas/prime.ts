import { z } from 'zod';
import * as c from './common';
import { daemonSections, defaultsSection } from './daemon';

/** The services of the pod itself, each a section of the Prime Scroll. */
export const CORE_SERVICES = ['vessel', 'phylactery', 'oculus', 'harvester', 'scribe'] as const;
export type CoreService = (typeof CORE_SERVICES)[number];

/** A first start may pull the image and (the Phylactery) run initdb: minutes on a slow link or disk. */
const CORE_START_TIMEOUT = 900;
/**
 * Seconds between the regular health checks of the Vessel and the Phylactery: podman's own
 * default. Each check starts a podman process on the host (and the Vessel's a Python), for as
 * long as the pod runs; readiness does not wait on it (the startup check: scribe/health.ts).
 */
const CORE_HEALTH_INTERVAL = 30;
/** Seconds between their startup checks: how soon a start is seen once the service answers. */
export const CORE_STARTUP_INTERVAL = 10;
const coreHealthInterval = c.seconds(
  CORE_HEALTH_INTERVAL,
  `Seconds between health checks once the service has started (\`HealthInterval\`); until then the startup check runs every ${CORE_STARTUP_INTERVAL} s (\`HealthStartupInterval\`), so a start is seen within ${CORE_STARTUP_INTERVAL} s.`,
);

const service = (defaults: { image: string; port: number; expose: boolean }, what: string) =>
  z
    .object({
      image: c.image.default(defaults.image),
      port: c.port.default(defaults.port).describe('Port the service listens on inside the pod.'),
      expose_port: z.boolean().default(defaults.expose).describe('Publish the port on the pod.'),
      env_vars: z.record(c.envName, c.unitText).default({}).describe('Extra environment variables.'),
      start_timeout: c.seconds(
        CORE_START_TIMEOUT,
        'Seconds to pull the image and start until the service counts as started (healthy, where it has a check), else the start fails (`TimeoutStartSec`).',
      ),
    })
    .strict()
    .describe(what);

const optionalService = (defaults: { image: string; port: number; expose: boolean }, what: string) =>
  service(defaults, what)
    .extend({ enabled: z.boolean().default(false).describe('Generate this service.') })
    .strict()
    .describe(what);

export const DEFAULT_VESSEL_IMAGE = 'localhost/lychd:custom';

// Debian policy §5.6.1; a nixpkgs attribute path of plain identifiers (it is written into flake.nix).
const DEBIAN_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
export const NIX_ATTR_PATH = /^[A-Za-z_][A-Za-z0-9_'-]*(?:\.[A-Za-z_][A-Za-z0-9_'-]*)*$/;

/** 5.3 is the first podman whose `[Pod]` accepts `UserNS=`, which the Sepulcher relies on. */
export const MIN_PODMAN_VERSION = '5.3';

const versionAtLeast = (text: string, min: string): boolean => {
  const [a, b] = [text, min].map((v) => v.split('.').map(Number) as [number, number]);
  return a![0] > b![0] || (a![0] === b![0] && a![1] >= b![1]);
};

/** The image the Forge builds on: one pinned by digest, or one it builds from a Debian suite. */
const forgeBase = z
  .object({
    suite: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,31}$/, { error: 'must be a Debian suite or codename such as "bookworm"' })
      .optional()
      .describe("A Debian suite the Forge builds the base from with mmdebstrap, from the machine's Debian archive."),
    image: c.image
      .refine((ref) => /@sha256:[0-9a-f]{64}$/.test(ref), { error: 'must be pinned by digest (…@sha256:<64 hex digits>)' })
      .optional()
      .describe('A base image pinned by digest, e.g. docker.io/library/python:3.11-slim@sha256:….'),
  })
  .strict()
  .refine((b) => (b.suite === undefined) !== (b.image === undefined), { error: 'set exactly one of "suite" and "image"' })
  .default({ suite: 'bookworm' })
  .describe('The base image: `suite = "bookworm"` (built with mmdebstrap) or `image = "<ref>@sha256:…"`.');

export const primeScroll = z
  .object({
    daemon: z
      .object({
        log_level: z.enum(['debug', 'info', 'warning', 'error']).default('info').describe('Daemon log level.'),
        queue_concurrency: z.number().int().min(1).default(4).describe('Default worker concurrency.'),
      })
      .strict()
      .default({ log_level: 'info', queue_concurrency: 4 })
      .describe('Daemon-wide behaviour the Forge passes to the Vessel (LYCHD_LOG_LEVEL, LYCHD_QUEUE_CONCURRENCY).'),
    ...daemonSections,
    defaults: defaultsSection,
    sepulcher: z
      .object({
        publish_address: z
          .string()
          .regex(/^(?:\d{1,3}\.){3}\d{1,3}$|^\[[0-9a-fA-F:]+\]$/, { error: 'must be an IPv4 address or a bracketed IPv6 address' })
          .default('127.0.0.1')
          .describe('Host address exposed ports are bound to.'),
        default_coven: c.groupName.optional().describe('The coven that starts with the pod and at boot; the others start on demand.'),
        podman_version: z
          .string()
          .regex(/^\d+\.\d+$/, { error: 'must be a podman version such as "5.3"' })
          .refine((v) => !/^\d+\.\d+$/.test(v) || versionAtLeast(v, MIN_PODMAN_VERSION), {
            error: `is older than podman ${MIN_PODMAN_VERSION}, the first whose [Pod] accepts UserNS=keep-id, which the Sepulcher needs: set ${MIN_PODMAN_VERSION} or later`,
          })
          .default(MIN_PODMAN_VERSION)
          .describe('Oldest podman the Quadlets must work with; keys it lacks are never emitted (5.3 or later).'),
      })
      .strict()
      .default({ publish_address: '127.0.0.1', podman_version: '5.3' })
      .describe('The pod every service shares.'),
    vessel: service({ image: DEFAULT_VESSEL_IMAGE, port: 8000, expose: true }, 'The core application container.')
      .extend({ health_interval: coreHealthInterval })
      .strict()
      .describe('The core application container.')
      .default({
        image: DEFAULT_VESSEL_IMAGE,
        port: 8000,
        expose_port: true,
        env_vars: {},
        start_timeout: CORE_START_TIMEOUT,
        health_interval: CORE_HEALTH_INTERVAL,
      }),
    phylactery: service({ image: 'docker.io/pgvector/pgvector:pg17', port: 5432, expose: false }, 'PostgreSQL with pgvector.')
      .extend({
        password_secret: c.secretName.default('lychd-phylactery-password').describe('Podman secret holding the database password.'),
        volume: c.name.default('lychd-phylactery').describe('Named volume holding the database files.'),
        health_interval: coreHealthInterval,
      })
      .strict()
      .describe('PostgreSQL with pgvector.')
      .default({
        image: 'docker.io/pgvector/pgvector:pg17',
        port: 5432,
        expose_port: false,
        env_vars: {},
        start_timeout: CORE_START_TIMEOUT,
        password_secret: 'lychd-phylactery-password',
        volume: 'lychd-phylactery',
        health_interval: CORE_HEALTH_INTERVAL,
      }),
    oculus: service({ image: 'docker.io/arizephoenix/phoenix:version-11.0.0', port: 6006, expose: true }, 'Arize Phoenix tracing.').default(
      {
        image: 'docker.io/arizephoenix/phoenix:version-11.0.0',
        port: 6006,
        expose_port: true,
        env_vars: {},
        start_timeout: CORE_START_TIMEOUT,
      },
    ),
    harvester: optionalService(
      { image: 'docker.io/prom/prometheus:v3.5.0', port: 9090, expose: false },
      'Prometheus scraping the Vessel and every soulstone.',
    ).default({
      image: 'docker.io/prom/prometheus:v3.5.0',
      port: 9090,
      expose_port: false,
      env_vars: {},
      start_timeout: CORE_START_TIMEOUT,
      enabled: false,
    }),
    scribe: optionalService(
      { image: 'docker.io/grafana/grafana:12.1.0', port: 3000, expose: true },
      'Grafana with a dashboard per runtime in use.',
    ).default({
      image: 'docker.io/grafana/grafana:12.1.0',
      port: 3000,
      expose_port: true,
      env_vars: {},
      start_timeout: CORE_START_TIMEOUT,
      enabled: false,
    }),
    extensions: z
      .object({
        active: z
          .array(c.name)
          .superRefine((names, ctx) =>
            names.forEach((name, i) => {
              if (names.indexOf(name) !== i)
                ctx.addIssue({ code: 'custom', path: [i], message: `names "${name}" a second time: list each extension once` });
            }),
          )
          .optional()
          .describe('Extension folder names to activate; all extensions found are active when omitted.'),
      })
      .strict()
      .default({})
      .describe('Which extensions take part.'),
    forge: z
      .object({
        core: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/, { error: 'must be a relative path inside the workspace' })
          .refine((p) => !p.split('/').includes('..'), { error: 'must not leave the workspace ("..")' })
          .default('core')
          .describe('Path of the core Python application, relative to the workspace root.'),
        strategy: z.enum(['mundane', 'sovereign']).default('mundane').describe('Containerfile (mundane) or flake.nix (sovereign).'),
        python: z
          .string()
          .regex(/^3\.\d+$/, { error: 'must be a Python version such as "3.11"' })
          .default('3.11')
          .describe("Python version of the image: must be the base's Python and satisfy the lock's requires-python."),
        image: c.image
          .default(DEFAULT_VESSEL_IMAGE)
          .describe('Name the Rebirth Gate gives the image it confirmed; `vessel.image` must be the same (one image name).'),
        resolve_before: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, { error: 'must be a UTC time such as "2026-12-01T00:00:00Z"' })
          .refine((t) => !Number.isNaN(Date.parse(t)), { error: 'must be a real date and time' })
          .optional()
          .describe(
            "Resolve the Python and Node locks as the indexes were at this time (uv's exclude-newer, npm's --before): a re-lock reproduces the committed locks; move it to upgrade.",
          ),
        nix: z
          .object({
            packages: z
              .record(
                z.string().regex(DEBIAN_NAME, { error: 'must be a Debian package name such as "tesseract-ocr-eng"' }),
                z
                  .string()
                  .regex(NIX_ATTR_PATH, { error: 'must be a nixpkgs attribute path such as "ffmpeg" or "python312Packages.numpy"' }),
              )
              .default({})
              .describe("Debian package name → nixpkgs attribute, for extensions' system dependencies the Forge's own table does not map."),
          })
          .strict()
          .default({ packages: {} })
          .describe('The Sovereign path (flake.nix).'),
        base: forgeBase,
        debian: z
          .object({
            archive: z
              .string()
              .regex(/^(?:https?:\/\/[A-Za-z0-9.-]+(?::\d+)?|file:)(?:\/[A-Za-z0-9_.~+-]+)*\/?$/, {
                error:
                  'must be an http(s):// or file: address of a Debian archive, e.g. "file:///srv/debian" or the address your apt sources name',
              })
              .optional()
              .describe(
                "The Debian archive the system packages are locked against and fetched from (a dated snapshot archive works); default: the machine's own Debian sources.",
              ),
          })
          .strict()
          .default({})
          .describe('The Debian lock (forge/synthesis/debian.lock.json).'),
      })
      .strict()
      .default({
        core: 'core',
        strategy: 'mundane',
        python: '3.11',
        image: DEFAULT_VESSEL_IMAGE,
        base: { suite: 'bookworm' },
        nix: { packages: {} },
        debian: {},
      })
      .describe('How the image is forged.'),
  })
  .strict()
  .describe('The Prime Scroll, lychd.toml: daemon-wide law and shared defaults.');

export type PrimeScroll = z.infer<typeof primeScroll>;
