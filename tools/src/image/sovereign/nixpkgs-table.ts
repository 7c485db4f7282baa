/**
 * Debian package name → nixpkgs attribute path, for the system dependencies extensions declare
 * (`[tool.lychd] system-dependencies`). A name missing here is mapped in the Prime Scroll,
 * `[forge.nix.packages]`, which also overrides this table.
 * Debian splits what nixpkgs ships as one package: tesseract's language data, for one.
 */
// A Map, not an object: a package named "constructor" or "__proto__" must find nothing.
export const DEBIAN_TO_NIXPKGS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'ca-certificates': 'cacert',
    curl: 'curl',
    'espeak-ng': 'espeak-ng',
    ffmpeg: 'ffmpeg',
    ghostscript: 'ghostscript',
    git: 'git',
    graphviz: 'graphviz',
    imagemagick: 'imagemagick',
    libgl1: 'libGL',
    'libglib2.0-0': 'glib',
    libmagic1: 'file',
    libsndfile1: 'libsndfile',
    libvips42: 'vips',
    pandoc: 'pandoc',
    sox: 'sox',
    'tesseract-ocr': 'tesseract',
    'tesseract-ocr-eng': 'tesseract',
    'tesseract-ocr-deu': 'tesseract',
    'tesseract-ocr-fra': 'tesseract',
    unzip: 'unzip',
    zstd: 'zstd',
  }),
);
