import { resolveTool, type ToolName } from '../../tools/src/toolchain';

/** With LYCHD_REQUIRE_TOOLS=1, or in CI (CI=true), a missing tool fails the tests instead of skipping them. */
export const REQUIRE_TOOLS = process.env.LYCHD_REQUIRE_TOOLS === '1' || process.env.CI === 'true';

const announced = new Set<string>();

/**
 * Whether tests needing these tools should be skipped. Skips are announced, and
 * never happen when tools are required: the test then runs and fails with the
 * MissingToolError that says how to install the tool.
 */
export function skipWithout(...names: ToolName[]): boolean {
  const missing = names.filter((n) => resolveTool(n) === undefined);
  if (missing.length === 0 || REQUIRE_TOOLS) return false;
  const key = missing.join(', ');
  if (announced.has(key)) return true;
  announced.add(key);
  console.warn(
    `[toolchain tests] SKIPPING tests that need ${missing.join(', ')}: not installed. ` +
      'Run `bash scripts/setup-tools.sh`; set LYCHD_REQUIRE_TOOLS=1 to make this a failure.',
  );
  return true;
}
