// Opens and verifies a Notary v1 collection for the migrate and verify
// workflows: a notary-server URL or a local trust directory, plus the pin
// (root certificate file, root key ids, or explicit trust on first use).

import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { readFileBounded } from '../store/atomic-file.js';
import { caCertificatesFrom } from '../registry/ca-pem.js';
import type { BasicCredentials } from '../notary/bearer-auth.js';
import { loadNotaryCollection, type NotaryCollection } from '../notary/notary-client.js';
import { TrustDirectoryFetcher, type NotaryFetcher } from '../notary/notary-fetcher.js';
import { choosePin, describePin } from '../notary/notary-pin.js';
import { readNotaryState, writeNotaryState } from '../notary/notary-trusted-state.js';
import type { SignetContext } from './context.js';
import type { RegistryClientOptions } from '../registry/registry-options.js';

export interface NotarySourceOptions {
  /** notary-server base URL, e.g. `https://notary.docker.io`. */
  server?: string;
  /** A notary / docker trust directory (`notary -d DIR`, `~/.docker/trust`). */
  trustDir?: string;
  /** PEM file of extra CAs for the server's TLS certificate. */
  tlsCa?: string;
  /** Root certificate (PEM) the collection's root must be signed by. */
  rootCert?: string;
  /** Root key ids (certificate id or canonical id from `notary key list`). */
  rootKeyIds?: string[];
  /** Accept whatever root is found; only when the user asks for it. */
  trustOnFirstUse?: boolean;
  /** Token realm credentials, gathered by the CLI. */
  credentials?: BasicCredentials;
}

/** Verify the collection `gun`; the caller closes nothing (connections are released here). */
/** Docker Content Trust's server for docker.io GUNs (what `docker trust` uses by default). */
export const DOCKER_HUB_NOTARY = 'https://notary.docker.io';

export async function openNotaryCollection(gun: string, options: NotarySourceOptions, ctx: SignetContext): Promise<NotaryCollection> {
  if (options.server === undefined && options.trustDir === undefined && gun.startsWith('docker.io/')) {
    options = { ...options, server: DOCKER_HUB_NOTARY };
    ctx.log(`reading ${gun} from ${DOCKER_HUB_NOTARY} (Docker Content Trust's server; --server or --trust-dir to change)`);
  }
  if ((options.server === undefined) === (options.trustDir === undefined)) {
    throw new UsageError('notary-source', 'name the Notary data to read: --server https://notary.example.com or --trust-dir ~/.docker/trust (one of them)');
  }
  const certificatePem = options.rootCert ? { text: await readTrustInput(options.rootCert, ctx), source: options.rootCert } : undefined;
  const pinChoice: Parameters<typeof choosePin>[0] = {};
  if (certificatePem) pinChoice.certificatePem = certificatePem;
  if (options.rootKeyIds) pinChoice.keyIds = options.rootKeyIds;
  if (options.trustOnFirstUse) pinChoice.tofu = true;
  const pin = choosePin(pinChoice);
  if (pin.kind === 'tofu') ctx.log(`warning: trusting the root of ${gun} on first use; pin it with --root-key-id for anything but a first look`);

  let fetcher: NotaryFetcher & { close?: () => Promise<void> };
  if (options.trustDir) {
    fetcher = new TrustDirectoryFetcher(resolve(ctx.cwd, options.trustDir), gun);
  } else {
    const { NotaryServerFetcher } = await import('../notary/notary-server-fetcher.js');
    const serverOptions: ConstructorParameters<typeof NotaryServerFetcher>[0] = { server: options.server as string, gun };
    // --tls-ca for the Notary server, plus the registry CAs (--ca-file, SSL_CERT_FILE).
    const registryCas = (ctx.registry as RegistryClientOptions | undefined)?.caCertificates ?? [];
    const tlsCa = options.tlsCa ? [caCertificatesFrom(await readTrustInput(options.tlsCa, ctx), `--tls-ca ${resolve(ctx.cwd, options.tlsCa)}`, { parse: true })] : [];
    const cas = [...tlsCa, ...registryCas];
    if (cas.length > 0) serverOptions.ca = cas;
    // HTTPS_PROXY / NO_PROXY and --timeout, as for registry traffic.
    const registry = ctx.registry as RegistryClientOptions | undefined;
    if (registry?.proxy) serverOptions.proxy = registry.proxy;
    if (registry?.timeoutMs !== undefined) serverOptions.timeoutMs = registry.timeoutMs;
    if (options.credentials) serverOptions.credentials = options.credentials;
    // As docker does for Content Trust: the registry's credentials (flags, docker config) answer the token realm.
    const source = (ctx.registry as RegistryClientOptions | undefined)?.credentials;
    if (source) {
      serverOptions.credentialLookup = async () => {
        const credential = await source.get(registryHostOf(gun));
        return credential?.kind === 'basic' ? { username: credential.username, password: credential.password } : undefined;
      };
    }
    fetcher = new NotaryServerFetcher(serverOptions);
  }
  try {
    // Rollback across runs: no role older than trusted before for this collection (GUN + pinned anchor), from any source.
    const recall = (anchor: string) => readNotaryState(ctx.home, gun, anchor);
    const collection = await loadNotaryCollection(fetcher, { gun, pin, now: ctx.now, recall });
    const { trusted } = collection;
    await writeNotaryState(ctx.home, gun, trusted.anchor, trusted.versions());
    ctx.log(`verified Notary collection ${gun} from ${collection.location} (root v${collection.trusted.root.signed.version}, ${describePin(pin)})`);
    for (const skipped of collection.skippedRoles) ctx.log(`warning: skipped ${skipped.role}: ${skipped.reason}`);
    return collection;
  } finally {
    await fetcher.close?.();
  }
}

/** The registry host a GUN names (`docker.io/library/app` → `docker.io`). */
export function registryHostOf(gun: string): string {
  return gun.split('/')[0] ?? gun;
}

async function readTrustInput(path: string, ctx: SignetContext): Promise<string> {
  const full = resolve(ctx.cwd, path);
  const bytes = await readFileBounded(full, LIMITS.configFileBytes, { refuseSymlink: true });
  if (bytes === undefined) throw new UsageError('notary-missing-file', `${full} does not exist`);
  return bytes.toString('utf8');
}
