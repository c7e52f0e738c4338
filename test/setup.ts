import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs.js';

// Runs in every test file: after its own hooks (servers closed), what it wrote under the temp directory goes.
afterAll(removeTempDirs);
