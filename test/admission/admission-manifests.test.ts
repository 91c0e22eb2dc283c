// `signet admission manifests`: the objects that install the gate, with the
// webhook settings that make it fail closed and never gate itself.

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../src/cli/run-cli.js';

const IMAGE = `registry.example.com/signet@sha256:${'a'.repeat(64)}`;
const cli = (args: string[]) => runCli(['admission', 'manifests', ...args], { env: {}, cwd: process.cwd() });

describe('signet admission manifests', () => {
  it('prints Namespace, ServiceAccount, Deployment, Service and both webhooks: failurePolicy Fail, a timeout, its own namespace excluded', async () => {
    const out = await cli(['--image', IMAGE, '--namespace', 'gate', '--timeout', '10', '--budget', '4s']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).not.toMatch(/[&*]a\d/); // no YAML anchors or aliases
    const docs = parseAllDocuments(out.stdout) as Array<{ toJS(): Record<string, any> }>;
    const objects = docs.map((d) => d.toJS());
    expect(objects.map((o) => o['kind'])).toEqual(['Namespace', 'ServiceAccount', 'Deployment', 'Service', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);
    const container = objects[2]!['spec'].template.spec.containers[0];
    expect(container.image).toBe(IMAGE);
    expect(container.args).toEqual(expect.arrayContaining(['admission', 'serve', '--budget', '4000ms']));
    for (const [config, path] of [[objects[4]!, '/validate'], [objects[5]!, '/mutate']] as const) {
      const webhook = config['webhooks'][0];
      expect(webhook).toMatchObject({ failurePolicy: 'Fail', timeoutSeconds: 10, sideEffects: 'None', admissionReviewVersions: ['v1'], clientConfig: { service: { namespace: 'gate', path } } });
      expect(webhook.namespaceSelector.matchExpressions[0]).toEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['gate', 'kube-system'] });
      expect(webhook.rules[0].resources).toEqual(expect.arrayContaining(['pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs']));
    }
  });

  it('refuses a budget that does not fit in the webhook timeout (exit 2)', async () => {
    const out = await cli(['--image', IMAGE, '--timeout', '2', '--budget', '3s']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--budget 3s must be below --timeout 2s/);
  });
});
