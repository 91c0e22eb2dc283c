// vitest setup file (vitest.config.ts): key files the tests create in-process
// use scrypt N=2^10 instead of 2^16, so the suite's hundreds of unlocks cost
// milliseconds. Only this process is affected; the built CLI (dist/) keeps the
// shipped cost, which test/keys/key-file-cost.test.ts checks.
import { setNewKeyScryptCostForTests } from '../../src/keys/key-file.js';

setNewKeyScryptCostForTests({ n: 1024, r: 8, p: 1 });
