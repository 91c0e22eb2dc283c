// The wire format of Kubernetes dynamic admission (admission.k8s.io/v1
// AdmissionReview): read the request the API server sends, write the
// response it expects (uid echoed, status on denial, warnings, JSONPatch).
// https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/

import { isRecord } from '../metadata/types.js';
import { UsageError } from '../errors.js';
import type { Decision } from './gate.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export interface AdmissionRequest {
  uid: string;
  kind: string;
  namespace: string;
  name: string;
  operation: string;
  object: unknown;
}

/** Throws UsageError for a body that is not an admission.k8s.io/v1 AdmissionReview with a request. */
export function parseAdmissionReview(body: string): AdmissionRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (cause) {
    throw new UsageError('bad-admission-review', 'the request body is not JSON', { cause });
  }
  if (!isRecord(doc) || doc['kind'] !== 'AdmissionReview' || doc['apiVersion'] !== ADMISSION_API_VERSION || !isRecord(doc['request'])) {
    throw new UsageError('bad-admission-review', `expected an ${ADMISSION_API_VERSION} AdmissionReview with a request`);
  }
  const request = doc['request'];
  if (typeof request['uid'] !== 'string' || request['uid'] === '') throw new UsageError('bad-admission-review', 'the AdmissionReview request has no uid');
  const object = request['object'];
  const metadata = isRecord(object) && isRecord(object['metadata']) ? object['metadata'] : {};
  const kind = isRecord(request['kind']) && typeof request['kind']['kind'] === 'string' ? request['kind']['kind'] : isRecord(object) && typeof object['kind'] === 'string' ? object['kind'] : '';
  const namespace = typeof request['namespace'] === 'string' ? request['namespace'] : typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
  const name = typeof request['name'] === 'string' && request['name'] ? request['name'] : typeof metadata['name'] === 'string' ? metadata['name'] : typeof metadata['generateName'] === 'string' ? `${metadata['generateName']}*` : '';
  return { uid: request['uid'], kind, namespace, name, operation: typeof request['operation'] === 'string' ? request['operation'] : '', object };
}

/** The AdmissionReview answering `uid`. `mutate` adds the JSONPatch of an allowed decision. */
export function admissionResponse(uid: string, decision: Pick<Decision, 'allowed' | 'message' | 'warnings' | 'patch'>, mutate: boolean): unknown {
  const response: Record<string, unknown> = { uid, allowed: decision.allowed };
  if (!decision.allowed) response['status'] = { code: 403, reason: 'Forbidden', message: decision.message ?? 'denied by signet' };
  if (decision.warnings.length > 0) response['warnings'] = decision.warnings.map(truncate);
  if (mutate && decision.allowed && decision.patch.length > 0) {
    response['patchType'] = 'JSONPatch';
    response['patch'] = Buffer.from(JSON.stringify(decision.patch)).toString('base64');
  }
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

/** The API server truncates long warnings; keep each readable on its own. */
function truncate(warning: string): string {
  return warning.length > 1000 ? `${warning.slice(0, 997)}...` : warning;
}
