export { SynthesisError, problemDiagnostic, type SynthesisProblem } from './problems';
export {
  discoverExtensions,
  discoverComponents,
  componentsOf,
  type Component,
  type ComponentSource,
  type Extension,
  type Components,
} from './discovery';
export { collectSystemPackages } from './system';
export { mergePython, lockPython, type MergedPython, type LockOptions, type PythonLockResult } from './python';
export { mergeNode, lockNode, resolveRanges, intersectRanges, type MergedNode, type NodeLockResult } from './node';
export { mergeTailwind, synthesizeTailwind, renderTailwindConfig } from './tailwind';
export { buildManifest, assembleManifest, FORMAT_VERSION, type AssembleOptions } from './manifest';
// What the synthesis writes: its contract is the reader's (artifacts/).
export type { SynthesisManifest } from '../artifacts/synthesis-manifest';
export { checkSynthesis, type CheckOptions, type CheckResult } from './check';
export { checkInputs, synthesize, type SynthesizeOptions } from './synthesize';
export { resolveUv, resolveNpm } from './tools';
export type { GeneratedFile } from './fsio';
