// Where images live in Kubernetes objects: Pods, PodTemplates and the pod
// templates of Deployments, ReplicaSets, ReplicationControllers, StatefulSets,
// DaemonSets, Jobs and CronJobs (and `kind: List` of them), in containers,
// initContainers and ephemeralContainers. Plain JSON in, paths out: the
// admission server patches by these paths and `verify -f --pin` edits them.

import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';

export const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
export type ContainerField = (typeof CONTAINER_FIELDS)[number];

/** One image field in an object. */
export interface ImageSite {
  /** Path from the object's root to the `image` string, e.g. ['spec','template','spec','containers',0,'image']. */
  path: Array<string | number>;
  image: string;
  /** The container's name (for messages), and which list it is in. */
  container: string;
  field: ContainerField;
  /** The kind and name of the object holding the pod spec, e.g. `Deployment/web`. */
  owner: string;
}

/** Where the pod spec sits, by kind (apps/v1, batch/v1, v1). */
const POD_SPEC_PATHS = new Map<string, string[]>([
  ['Pod', ['spec']],
  ['PodTemplate', ['template', 'spec']],
  ['Deployment', ['spec', 'template', 'spec']],
  ['ReplicaSet', ['spec', 'template', 'spec']],
  ['ReplicationController', ['spec', 'template', 'spec']],
  ['StatefulSet', ['spec', 'template', 'spec']],
  ['DaemonSet', ['spec', 'template', 'spec']],
  ['Job', ['spec', 'template', 'spec']],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
]);

/** Kinds the admission webhook registers for (their resource names). */
export const WORKLOAD_RESOURCES = ['pods', 'deployments', 'replicasets', 'replicationcontrollers', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'] as const;

/**
 * Every image field of `object`. Unknown kinds that carry a pod template at
 * the usual place (`spec.template.spec`, e.g. an Argo Rollout) are read too,
 * so a custom workload is not silently passed over.
 */
export function workloadImages(object: unknown): ImageSite[] {
  const out: ImageSite[] = [];
  collect(object, [], out, 0);
  return out;
}

function collect(object: unknown, prefix: Array<string | number>, out: ImageSite[], depth: number): void {
  if (!isRecord(object)) return;
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
  if (kind === 'List' || kind.endsWith('List')) {
    const items = object['items'];
    if (!Array.isArray(items) || depth >= LIMITS.maxListDepth) return;
    items.forEach((item, i) => collect(item, [...prefix, 'items', i], out, depth + 1));
    return;
  }
  const metadata = isRecord(object['metadata']) ? object['metadata'] : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : typeof metadata['generateName'] === 'string' ? `${metadata['generateName']}*` : '(unnamed)';
  const owner = `${kind || 'object'}/${name}`;
  const known = POD_SPEC_PATHS.get(kind);
  const candidates = known ? [known] : [['spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'spec']];
  for (const path of candidates) {
    const spec = at(object, path);
    if (!isRecord(spec)) continue;
    for (const field of CONTAINER_FIELDS) {
      const list = spec[field];
      if (!Array.isArray(list)) continue;
      list.forEach((container, i) => {
        if (!isRecord(container) || typeof container['image'] !== 'string') return;
        out.push({
          path: [...prefix, ...path, field, i, 'image'],
          image: container['image'],
          container: typeof container['name'] === 'string' ? container['name'] : `#${i}`,
          field,
          owner,
        });
      });
    }
    break;
  }
}

function at(object: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = object;
  for (const key of path) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** An RFC 6901 JSON Pointer for `path` (as JSONPatch uses). */
export function jsonPointer(path: ReadonlyArray<string | number>): string {
  return path.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}
