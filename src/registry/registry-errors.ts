// Map a registry's unwanted answer to a signet error carrying method, URL (no
// credentials), status and the registry's own error codes
// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes).

import { InconclusiveError, SignetError, UsageError } from '../errors.js';
import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';
import { type HttpResponse, readBounded, redactUrl } from './http-transport.js';

export interface RegistryErrorDetail {
  method: string;
  url: string;
  status: number;
  codes: string[];
}

/** A SignetError with the registry's answer attached for `--json` output and tests. */
export type RegistryFailure = SignetError & { registry?: RegistryErrorDetail };

/** The `errors[].code` (and first message) of a registry error body, tolerant of junk. */
export function parseErrorBody(bytes: Uint8Array): { codes: string[]; message?: string } {
  try {
    const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    const list = isRecord(doc) && Array.isArray(doc['errors']) ? doc['errors'].slice(0, 16) : [];
    const codes = list.map((e) => (isRecord(e) && typeof e['code'] === 'string' ? e['code'].slice(0, 64) : '')).filter((c) => c !== '');
    const first = list[0];
    const message = isRecord(first) && typeof first['message'] === 'string' ? first['message'].slice(0, 200) : undefined;
    return message === undefined ? { codes } : { codes, message };
  } catch {
    return { codes: [] };
  }
}

/**
 * Build the error for an unexpected status. 5xx and 429 are inconclusive
 * (exit 3); 401/403 are usage errors (credentials, exit 2); 404 names what is missing.
 */
export async function registryError(method: string, res: HttpResponse, what: string): Promise<RegistryFailure> {
  let body: Buffer = Buffer.alloc(0);
  if (method !== 'HEAD') {
    try {
      body = await readBounded(res, LIMITS.registryErrorBytes, 'registry error body');
    } catch {
      // An unreadable error body does not change what the status says.
    }
  }
  const { codes, message } = parseErrorBody(body);
  const url = redactUrl(res.url);
  const detail: RegistryErrorDetail = { method, url, status: res.status, codes };
  const said = `${method} ${url} answered ${res.status}${codes.length > 0 ? ` ${codes.join(', ')}` : ''}${message ? ` (${message})` : ''}`;
  let error: RegistryFailure;
  if (res.status >= 500 || res.status === 429) {
    error = new InconclusiveError('registry-unavailable', `the registry could not answer for ${what}: ${said}; try again later`);
  } else if (res.status === 401 || res.status === 403) {
    error = new UsageError('registry-denied', `the registry refused access to ${what}: ${said}; check --username/--password-stdin or docker login`);
  } else if (res.status === 404) {
    error = new UsageError('not-found', `${what} does not exist in the registry: ${said}`);
  } else {
    error = new UsageError('registry-refused', `the registry refused the request for ${what}: ${said}`);
  }
  error.registry = detail;
  return error;
}
