import { afterAll } from 'vitest';
import { cleanUp } from './cleanup.js';

// Runs in every test file: after its own hooks (servers closed), what it started and made under the temp directory goes.
afterAll(cleanUp);
