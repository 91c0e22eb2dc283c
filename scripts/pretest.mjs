// Runs before `npm test`: makes sure the system packages the tests need are
// installed (installing them with apt-get when running as root), then builds
// dist/ (some tests run the real CLI in child processes).
import { execFileSync, spawnSync } from 'node:child_process';
import { SYSTEM_PACKAGES } from './system-packages.mjs';

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = SYSTEM_PACKAGES.filter((p) => !p.bins.every(has));

if (missing.length > 0) {
  const names = missing.map((p) => p.pkg).join(' ');
  const command = `apt-get update && apt-get install -y ${names}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`signet's tests need these Debian packages: ${names}`);
    for (const p of missing) console.error(`  ${p.pkg}: ${p.why}`);
    console.error(`Install them and re-run:\n  sudo ${command}`);
    process.exit(1);
  }
  console.error(`installing test dependencies: ${names}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.pkg)], { stdio: 'inherit', env });
  const still = missing.filter((p) => !p.bins.every(has));
  if (still.length > 0) {
    console.error(`still missing after apt-get: ${still.map((p) => p.bins.join(', ')).join('; ')}`);
    process.exit(1);
  }
}

if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
