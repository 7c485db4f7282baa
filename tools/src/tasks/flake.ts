import { runFlake } from '../cli/flake';
import type { CodexOptions } from '../codex/folders';
import { taskPaths, type Task } from './task';

export interface FlakeTaskOptions extends CodexOptions {
  check?: boolean;
}

/** `forge:flake` / `forge:flake-check`: the same as `lychd-forge flake [--check]`. */
export const flakeTask: Task<FlakeTaskOptions> = (options, root) => runFlake(taskPaths(options, root), options.check === true);
