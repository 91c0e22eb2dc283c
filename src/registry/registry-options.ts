// Settings of a registry client, gathered by the CLI (flags, env, docker
// config) and passed down: the library itself never reads env vars. Also the
// one rule for plain HTTP: loopback hosts or hosts the user named insecure.

import type { CredentialSource } from './credentials.js';

export type RegistryClientOptions = {
  /** Where credentials come from (flags, ~/.docker/config.json); anonymous when absent. */
  credentials?: CredentialSource;
  /** Hosts (`host[:port]`) that may be reached over plain HTTP (`--insecure-registry`). */
  insecureRegistries?: readonly string[];
  /** Extra trusted CA certificates (PEM), added to the system roots (`--ca-file`, SSL_CERT_FILE). */
  caCertificates?: readonly string[];
  /** Proxies as HTTPS_PROXY / HTTP_PROXY / NO_PROXY say; none when absent. */
  proxy?: { httpsProxy?: string; httpProxy?: string; noProxy?: string };
  /** Time allowed for response headers, and between two body chunks. Default 30 s. */
  timeoutMs?: number;
  /**
   * Whole-request deadline: connecting, headers, body, redirects and retries
   * included (`--timeout`, SIGNET_TIMEOUT). Default DEFAULT_DEADLINE_MS.
   */
  deadlineMs?: number;
  /** Large bodies (blobs) get `bytes / minBytesPerSecond` on top of the deadline. Default 64 KiB/s. */
  minBytesPerSecond?: number;
  /** Time allowed to connect. Default 10 s. */
  connectTimeoutMs?: number;
  /** Attempts per request on 429, 5xx and connection resets (default LIMITS.maxAttempts). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. Default 250 ms. */
  retryDelayMs?: number;
  /** Requests in flight at once, across all bulk work. Default 8. */
  concurrency?: number;
  /** User-Agent header. */
  userAgent?: string;
};

/** The whole-request deadline when none is given: a trickling server is given up on after this. */
export const DEFAULT_DEADLINE_MS = 60_000;
export const DEFAULT_MIN_BYTES_PER_SECOND = 64 * 1024;

/** `localhost`, 127.0.0.0/8 and ::1, with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const name = hostName(host).toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || /^127(?:\.[0-9]{1,3}){3}$/.test(name) || name === '[::1]' || name === '::1';
}

/** The host without its port (`[::1]:5000` → `[::1]`). */
export function hostName(host: string): string {
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  return colon > close && /^[0-9]+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}

/** May `host` be spoken to over plain HTTP? Only loopback or an explicit insecure host. */
export function plainHttpAllowed(host: string, options: Pick<RegistryClientOptions, 'insecureRegistries'>): boolean {
  if (isLoopbackHost(host)) return true;
  const wanted = host.toLowerCase();
  return (options.insecureRegistries ?? []).some((h) => h.toLowerCase() === wanted || h.toLowerCase() === hostName(wanted));
}
