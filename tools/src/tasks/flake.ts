import * as path from 'node:path';
import { runFlake } from '../cli/flake';
import type { Task } from './task';

export interface FlakeTaskOptions {
  codexDir: string;
  check?: boolean;
}

/** `forge:flake` / `forge:flake-check`: the same as `lychd-forge flake [--check]`. */
export const flakeTask: Task<FlakeTaskOptions> = (options, root) =>
  runFlake({ workspaceRoot: root, codexDir: path.join(root, options.codexDir) }, options.check === true);
