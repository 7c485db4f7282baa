import { afterAll } from 'vitest';
import { removeTempDirs } from './temp';

// Every test file's temporary folders go when its last test has run: vitest ends a file's
// worker process without running its exit handlers.
afterAll(removeTempDirs);
