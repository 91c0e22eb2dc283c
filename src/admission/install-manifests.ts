// `signet admission manifests`: the Kubernetes objects that run the gate:
// a ServiceAccount, Deployment and Service in the gate's own namespace, and
// the Validating and Mutating webhook configurations (failurePolicy Fail, a
// timeout, the gate's own namespace excluded so it can always restart).

import { stringify } from 'yaml';
import { WORKLOAD_RESOURCES } from '../manifests/workload-images.js';

export interface InstallOptions {
  namespace: string;
  name: string;
  /** The container image running `signet admission serve` (pin it by digest). */
  image: string;
  /** PEM CA bundle that signed the serving certificate (base64 goes into caBundle). */
  caBundlePem?: string;
  /** Webhook timeout the API server applies (seconds, 1..30). */
  timeoutSeconds: number;
  /** The gate's own decision budget (ms); kept below the webhook timeout. */
  budgetMs: number;
  replicas: number;
}

export function installManifests(o: InstallOptions): string {
  const labels = { 'app.kubernetes.io/name': o.name };
  const tlsSecret = `${o.name}-tls`;
  const config = `${o.name}-config`;
  const rules = [{ apiGroups: ['', 'apps', 'batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: [...WORKLOAD_RESOURCES, 'pods/ephemeralcontainers'], scope: 'Namespaced' }];
  const webhook = (path: string, kind: 'validate' | 'mutate') => ({
    name: `${kind}.${o.name}.signet.dev`,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    timeoutSeconds: o.timeoutSeconds,
    ...(kind === 'mutate' ? { reinvocationPolicy: 'IfNeeded' } : { matchPolicy: 'Equivalent' }),
    clientConfig: { service: { namespace: o.namespace, name: o.name, path, port: 443 }, ...(o.caBundlePem ? { caBundle: Buffer.from(o.caBundlePem).toString('base64') } : {}) },
    rules,
    // Never gate the gate's own namespace (or it could not restart), nor kube-system.
    namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [o.namespace, 'kube-system'] }] },
  });
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: o.name, namespace: o.namespace, labels } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: o.name, namespace: o.namespace, labels },
      spec: {
        replicas: o.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: o.name,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'signet',
                image: o.image,
                args: ['admission', 'serve', '--listen', '0.0.0.0:8443', '--cert', '/tls/tls.crt', '--key', '/tls/tls.key', '--policy', '/etc/signet/policy.json', '--config', '/etc/signet/admission.yaml', '--budget', `${o.budgetMs}ms`],
                env: [{ name: 'SIGNET_HOME', value: '/var/lib/signet' }],
                ports: [{ name: 'https', containerPort: 8443 }],
                readinessProbe: { httpGet: { path: '/readyz', port: 8443, scheme: 'HTTPS' } },
                livenessProbe: { httpGet: { path: '/healthz', port: 8443, scheme: 'HTTPS' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'tls', mountPath: '/tls', readOnly: true },
                  { name: 'config', mountPath: '/etc/signet', readOnly: true },
                  { name: 'state', mountPath: '/var/lib/signet' },
                ],
              },
            ],
            terminationGracePeriodSeconds: 30,
            volumes: [
              { name: 'tls', secret: { secretName: tlsSecret } },
              // policy.json, the pinned roots it names, and admission.yaml (rules).
              { name: 'config', configMap: { name: config } },
              // Trusted state (rollback memory); use a PersistentVolumeClaim to keep it across restarts.
              { name: 'state', emptyDir: {} },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: o.name, namespace: o.namespace, labels }, spec: { selector: labels, ports: [{ name: 'https', port: 443, targetPort: 8443 }] } },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: o.name, labels }, webhooks: [webhook('/validate', 'validate')] },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: o.name, labels }, webhooks: [webhook('/mutate', 'mutate')] },
  ];
  return objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
}
