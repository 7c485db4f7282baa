import type { CodexOptions } from '../codex';
import { runValidate } from '../cli/validate';
import { taskPaths, type Task } from './task';

/** `codex:validate`: the same check as `lychd-forge validate`, as a cached Nx task. */
export const validateTask: Task<CodexOptions> = (options, root) => runValidate(taskPaths(options, root), options.codexDir);
