// Regenerates fixtures/oci/app: the deterministic sample OCI layout (tags 1.0
// and 2.0) that the demo builds too. `npm run fixtures`; a test diffs it.
import { rm } from 'node:fs/promises';
import { writeSampleLayout } from '../dist/index.mjs';

const dir = new URL('../fixtures/oci/app/', import.meta.url).pathname;
await rm(dir, { recursive: true, force: true });
await writeSampleLayout(dir);
console.log(`wrote ${dir}`);
