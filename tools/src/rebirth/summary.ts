import * as fs from 'node:fs';
import * as path from 'node:path';

/** The fields of `image.json` (written by forge:image) that the Gate reads; nothing else. */
export interface ImageSummary {
  imageId: string;
  manifestDigest: string;
  refName: string;
  strategy: string;
  synthesis: string;
  systemPackages: Record<string, string>;
  /** The base the image was built on (`kind ref`, digest), when the summary names one. */
  base?: { ref: string; digest: string };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** The 12 hex digits podman shows for an image; the id a person confirms. */
export const shortId = (imageId: string): string => imageId.replace(/^sha256:/, '').slice(0, 12);

/**
 * Reads and checks `<imageDir>/image.json` and that `<imageDir>/oci/` is an OCI layout holding
 * its ref. Every problem is reported at once, naming the file and the field.
 */
export function readImageSummary(imageDir: string): ImageSummary {
  const file = path.join(imageDir, 'image.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(
      `${file}: cannot read the image summary (${(e as Error).message}); build the image first (\`npx nx run forge:image\`).`,
      { cause: e },
    );
  }
  const problems: string[] = [];
  const o = (raw ?? {}) as Record<string, unknown>;
  const need = (field: string, ok: (v: unknown) => boolean, what: string) => {
    if (!ok(o[field])) problems.push(`${file}: field "${field}" must be ${what}`);
  };
  const isDigest = (v: unknown) => typeof v === 'string' && DIGEST.test(v);
  need('formatVersion', (v) => v === 1, '1');
  need('imageId', isDigest, '"sha256:<64 hex digits>"');
  need('manifestDigest', isDigest, '"sha256:<64 hex digits>"');
  need('synthesis', isDigest, '"sha256:<64 hex digits>"');
  need('layout', (v) => v === 'oci', '"oci"');
  need('refName', (v) => typeof v === 'string' && NAME.test(v), 'an OCI ref name');
  need('strategy', (v) => v === 'mundane' || v === 'sovereign', '"mundane" or "sovereign"');
  need(
    'systemPackages',
    (v) =>
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.entries(v as object).every(([k, ver]) => NAME.test(k) && typeof ver === 'string' && NAME.test(ver.replace(/[:~]/g, '_'))),
    'an object of Debian package names to versions',
  );
  if (problems.length === 0 && !fs.existsSync(path.join(imageDir, 'oci', 'index.json'))) {
    problems.push(`${path.join(imageDir, 'oci')}: not an OCI image layout (no index.json); rebuild the image`);
  }
  if (problems.length > 0) throw new Error(`The image summary is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    imageId: o['imageId'] as string,
    manifestDigest: o['manifestDigest'] as string,
    refName: o['refName'] as string,
    strategy: o['strategy'] as string,
    synthesis: o['synthesis'] as string,
    systemPackages: o['systemPackages'] as Record<string, string>,
    ...baseOf(o['base']),
  };
}

/** The summary's `base`, when it is a well-formed one; the Gate shows its change, so a malformed one is left out. */
export function baseOf(v: unknown): { base?: { ref: string; digest: string } } {
  const b = (v ?? {}) as Record<string, unknown>;
  if (typeof b['ref'] !== 'string' || typeof b['digest'] !== 'string' || !DIGEST.test(b['digest'])) return {};
  return { base: { ref: `${String(b['kind'] ?? '')} ${b['ref']}`.trim(), digest: b['digest'] } };
}
