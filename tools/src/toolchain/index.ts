export { LOCKER_SETTINGS, scrubbedEnv } from './env';
export { MissingToolError, INSTALL_HINTS } from './missing-tool';
export { formatBytes, runProgram, runProgramAsync, runProgramStreamed, OutputLimitError, type RunResult } from './run';
export { TOOL_NAMES, type ToolName, toolEnvVar } from './tool-names';
export { parseVersion, requireTool, resolveTool, toolVersion, type ToolOptions } from './tools';
export { enclosingWorkspace, findWorkspaceRoot } from './workspace-root';
export {
  countCheck,
  dryRunQuadlets,
  generateUnits,
  verifyUnits,
  type CountCheckResult,
  type DryRunResult,
  type GenerateResult,
  type VerifyResult,
} from './quadlet';
export { classifyGeneratorStderr, parseDryRunServices } from './quadlet-output';
export { isSystemdUnitFile, listQuadletSources, QUADLET_EXTENSIONS } from './quadlet-sources';
