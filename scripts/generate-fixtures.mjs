// Regenerates the committed fixtures; `npm run fixtures`; tests diff them:
//  - fixtures/oci/app: the deterministic sample OCI layout (tags 1.0 and 2.0)
//    that the demo builds too (test/image/fixtures.test.ts);
//  - fixtures/sample-trust + keys/sample-root.json: the SAMPLE trust repository
//    that signs fixtures/oci/app as signet-sample/app, and its root to pin
//    (README "Verify a signed sample"; test/workflows/sample-trust.test.ts).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { writeSampleLayout, writeSampleTrust } from '../dist/index.mjs';

const layout = new URL('../fixtures/oci/app/', import.meta.url).pathname;
await rm(layout, { recursive: true, force: true });
await writeSampleLayout(layout);
console.log(`wrote ${layout}`);

const trust = new URL('../fixtures/sample-trust/', import.meta.url).pathname;
await rm(trust, { recursive: true, force: true });
const { rootBytes } = await writeSampleTrust(trust, layout);
const keys = new URL('../keys/', import.meta.url).pathname;
await mkdir(keys, { recursive: true });
await writeFile(`${keys}sample-root.json`, rootBytes);
console.log(`wrote ${trust} and ${keys}sample-root.json`);
