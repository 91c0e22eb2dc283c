// Test support: Kubernetes objects as `kubectl` makes them with no cluster
// (`kubectl create deployment|job|cronjob … --dry-run=client -o json`), and
// Pods, ReplicaSets, StatefulSets and DaemonSets built from those templates.
// kubectl must be installed (Debian `kubernetes-client` where none exists).

import { existsSync } from 'node:fs';
import { run } from './registry-server.js';

export const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p)) ?? '/usr/bin/kubectl';

export type K8sObject = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };

function requireKubectl(): void {
  if (!existsSync(KUBECTL)) throw new Error(`${KUBECTL} is missing; install it with: apt-get install -y kubernetes-client (only where no kubectl exists)`);
}

async function kubectl(args: string[]): Promise<K8sObject> {
  requireKubectl();
  // No kubeconfig: --dry-run=client never talks to a cluster.
  return JSON.parse(await run(KUBECTL, [...args, '--dry-run=client', '-o', 'json', '--kubeconfig', '/dev/null'])) as K8sObject;
}

const imageFlags = (images: string[]) => images.map((i) => `--image=${i}`);

export const kubectlDeployment = (name: string, images: string[]) => kubectl(['create', 'deployment', name, ...imageFlags(images)]);
export const kubectlJob = (name: string, image: string) => kubectl(['create', 'job', name, `--image=${image}`]);
export const kubectlCronJob = (name: string, image: string) => kubectl(['create', 'cronjob', name, `--image=${image}`, '--schedule=*/5 * * * *']);

type PodTemplate = { metadata?: unknown; spec: Record<string, unknown> };
const templateOf = (deployment: K8sObject) => (deployment['spec'] as { template: PodTemplate }).template;

/** A Pod with the pod template of a kubectl-made Deployment. */
export async function kubectlPod(name: string, images: string[]): Promise<K8sObject> {
  const template = templateOf(await kubectlDeployment(name, images));
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: template.spec };
}

/** ReplicaSet, StatefulSet or DaemonSet around the template of a kubectl-made Deployment. */
export async function kubectlFromTemplate(kind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet', name: string, images: string[]): Promise<K8sObject> {
  const deployment = await kubectlDeployment(name, images);
  const spec = deployment['spec'] as { selector: unknown; template: PodTemplate };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name },
    spec: { selector: spec.selector, template: spec.template, ...(kind === 'StatefulSet' ? { serviceName: name } : {}) },
  };
}

/** Add an init container (or an ephemeral one) to the pod spec of `object` (any of the kinds above). */
export function withExtraContainer(object: K8sObject, field: 'initContainers' | 'ephemeralContainers', name: string, image: string): K8sObject {
  const copy = structuredClone(object);
  const spec = podSpecOf(copy);
  spec[field] = [...((spec[field] as unknown[]) ?? []), { name, image }];
  return copy;
}

export function podSpecOf(object: K8sObject): Record<string, unknown> {
  const spec = object['spec'] as Record<string, unknown>;
  if (object.kind === 'Pod') return spec;
  if (object.kind === 'CronJob') return ((spec['jobTemplate'] as { spec: { template: PodTemplate } }).spec.template.spec);
  return (spec['template'] as PodTemplate).spec;
}
