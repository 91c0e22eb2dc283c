// Key benchmarks (issue 15): signatures per second for a file ed25519 key, a
// file ECDSA P-256 key and a P-256 key on a SoftHSM2 token (in-process, the
// library's Signer), and the whole `signet sign --all-tags` call over 1,000
// tags with the targets key in a file against the same key on the token.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLayout } from './layout.mjs';
import { fmtMs, median } from './measure.mjs';

const MODULE = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].find((p) => existsSync(p));
const PIN = '123456';

/** Signatures per second of `signer` over a 1 KiB message, for about `ms` milliseconds (after a warm-up). */
async function rate(signer, ms) {
  const message = Buffer.alloc(1024, 7);
  for (let i = 0; i < 20; i++) await signer.sign(message);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await signer.sign(message);
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

export async function measureKeys({ lib, work, signet, log, quick, passphrase }) {
  const out = { rates: {}, sign: {}, notes: [] };
  const dir = join(work, 'keys-bench');
  await mkdir(dir, { recursive: true });
  const home = join(dir, 'home');
  const passphrases = async () => passphrase;
  const keystore = new lib.Keystore(home);
  const ms = quick ? 500 : 2000;
  for (const [name, algorithm] of [['file ed25519', 'ed25519'], ['file P-256', 'ecdsa-p256']]) {
    log(`signatures per second: ${name}`);
    const info = await keystore.generate('bench', '', passphrases, new Date(), algorithm);
    out.rates[name] = await rate((await keystore.unlock(info.keyId, passphrases)).signer, ms);
  }
  if (!MODULE) {
    out.notes.push('SoftHSM2 is not installed (`apt-get install softhsm2`): no token rows.');
    return out;
  }
  const tokens = join(dir, 'tokens');
  await mkdir(tokens);
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--pin', PIN, '--so-pin', '87654321'], { stdio: 'ignore' });
  const tokenAsk = async (request) => (request.purpose === 'pin' ? PIN : passphrase);
  log('signatures per second: token P-256 (SoftHSM2)');
  const tokenKey = await keystore.generateOnToken(`pkcs11:token=bench;object=targets?module-path=${MODULE}`, 'targets', '', tokenAsk, new Date());
  out.rates['token P-256 (SoftHSM2)'] = await rate((await keystore.unlock(tokenKey.keyId, tokenAsk)).signer, ms);
  await lib.closeOpenTokens();

  // 1,000 tags, one `signet sign --all-tags` process, targets key in a file vs on the token.
  const tags = Array.from({ length: quick ? 100 : 1000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
  const layout = join(dir, 'layout');
  await writeLayout(layout, tags);
  const env = { ...process.env, SIGNET_HOME: home, SIGNET_PASSPHRASE: passphrase, SIGNET_PKCS11_PIN: PIN, SOFTHSM2_CONF: conf };
  const cli = (args) => signet(args, { env });
  const fileTrust = join(dir, 'trust-file');
  const tokenTrust = join(dir, 'trust-token');
  const roots = {};
  for (const trust of [fileTrust, tokenTrust]) roots[trust] = JSON.parse(cli(['init', trust, '--json']).stdout).rootPath;
  cli(['key', 'rotate', 'targets', '--key', tokenKey.keyId, '--trust-repo', tokenTrust, '--root', roots[tokenTrust]]);
  const samples = { file: [], token: [] };
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    for (const [which, trust] of [['file', fileTrust], ['token', tokenTrust]]) {
      log(`signet sign --all-tags, ${tags.length} tags, targets key in a ${which}`);
      samples[which].push(cli(['sign', '--all-tags', `oci-layout:${layout}`, '--name', 'bench/keys', '--trust-repo', trust, '--root', roots[trust]]).ms);
    }
  }
  out.sign = { tags: tags.length, fileMs: median(samples.file), tokenMs: median(samples.token) };
  return out;
}

/** Markdown lines for RESULTS.md. */
export function keysReport(k) {
  if (!k) return [];
  const lines = ['## Keys: signatures per second and a 1,000-tag sign with a token key', ''];
  lines.push('In-process: one Signer signing a 1 KiB message in a loop (the token signer also checks each signature against the recorded public key before returning it). Whole call: one `signet sign --all-tags` process over an OCI layout, the targets key in an encrypted file or on a SoftHSM2 token (snapshot and timestamp keys are files in both), median of 3 runs.', '');
  lines.push('| key | signatures/s |', '|---|---:|');
  for (const [name, value] of Object.entries(k.rates)) lines.push(`| ${name} | ${Math.round(value).toLocaleString('en')} |`);
  lines.push('');
  if (k.sign.tags) {
    lines.push(`| ${k.sign.tags.toLocaleString('en')}-tag \`signet sign\`, targets key | whole call |`, '|---|---:|');
    lines.push(`| in a file (ed25519) | ${fmtMs(k.sign.fileMs)} |`, `| on the token (P-256) | ${fmtMs(k.sign.tokenMs)} |`, '');
  }
  for (const note of k.notes) lines.push(`- ${note}`);
  if (k.notes.length > 0) lines.push('');
  return lines;
}
