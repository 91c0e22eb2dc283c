// The one place an HTTP connection pool is chosen for outbound traffic: a
// proxy agent when HTTPS_PROXY / HTTP_PROXY are set (NO_PROXY honoured), a
// plain agent otherwise. Shared by the registry transport and the Notary client.

import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from './undici-core.js';
import type { RegistryClientOptions } from './registry-options.js';

export interface DispatcherOptions {
  /** undici Agent options (connect, timeouts, pool sizes). */
  agent: ConstructorParameters<typeof Agent>[0] & { connect?: Record<string, unknown> };
  /** Extra CA certificates (PEM), added to the system roots, never in place of them. */
  caCertificates?: readonly string[];
  proxy?: RegistryClientOptions['proxy'];
}

/** Extra CAs as the TLS `ca` list (system roots first), or undefined for the defaults. */
export function caList(caCertificates: readonly string[] | undefined): string[] | undefined {
  return caCertificates && caCertificates.length > 0 ? [...rootCertificates, ...caCertificates] : undefined;
}

/**
 * A dispatcher for `options`. Through a proxy, the CAs also verify the origin
 * behind the CONNECT tunnel (`requestTls`). Explicit '' values keep undici from
 * reading the environment itself: the CLI decides which variables apply.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const ca = caList(options.caCertificates);
  const connect = { ...options.agent.connect, ...(ca ? { ca } : {}) };
  const agentOptions = { ...options.agent, connect };
  const proxy = options.proxy;
  if (proxy && (proxy.httpProxy || proxy.httpsProxy)) {
    return new EnvHttpProxyAgent({ ...agentOptions, ...(ca ? { requestTls: { ca } } : {}), httpProxy: proxy.httpProxy ?? '', httpsProxy: proxy.httpsProxy ?? '', noProxy: proxy.noProxy ?? '' });
  }
  return new Agent(agentOptions);
}
