// temp dev helper (not committed): registry + 1 signed tag, then wait.
import { startRegistry } from './support/servers.mjs';
import { pushBase, pushTags } from './support/images.mjs';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const reg = await startRegistry();
const base = await pushBase(reg.url, 'dev/app');
await pushTags(reg.url, 'dev/app', base, ['t000005', 't1', 't2']);
writeFileSync('/tmp/speed/env', `export REG=${reg.host}\n`);
console.log(reg.host);
process.on('SIGTERM', async () => { await reg.stop(); process.exit(0); });
setInterval(() => {}, 1e6);
