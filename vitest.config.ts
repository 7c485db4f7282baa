import { defineConfig } from 'vitest/config';

/**
 * The suite in tiers, cheapest first (scripts/test.sh runs them in this order and prints each
 * one's time): `unit` is everything not named below, so a new test file lands there unless it
 * says otherwise.
 */
export const TIERS = {
  // The real uv, npm and Nix evaluator against local indexes and stand-ins.
  tools: ['test/synthesis/**/*.test.ts', 'test/federation/**/*.test.ts', 'test/sovereign/**/*.test.ts'],
  // Real Nx in copies of the workspace, the remote cache, the packed plugin.
  nx: ['test/nx/**/*.test.ts', 'test/cache/**/*.test.ts', 'test/remote-cache/**/*.test.ts'],
  // buildah and mmdebstrap as root.
  image: ['test/forge/image.test.ts'],
  // One boot of a Debian VM under qemu.
  vm: ['test/vm/**/*.test.ts'],
};

export default defineConfig({
  test: {
    // The e2e suites drive real nx, uv, npm and quadlet processes: give them room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/support/cleanup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: Object.values(TIERS).flat() } },
      ...Object.entries(TIERS).map(([name, include]) => ({ extends: true as const, test: { name, include } })),
    ],
  },
});
