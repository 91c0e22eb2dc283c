// Find every image in a deploy file: Kubernetes YAML or JSON (one or many
// documents, as Helm and Kustomize print them) and Compose files
// (`services.<name>.image`). Each image keeps the source range of its YAML
// scalar, so `--pin` can rewrite exactly those bytes and nothing else.

import { Alias, isAlias, isScalar, parseAllDocuments, type Document, type Scalar } from 'yaml';
import { UsageError } from '../errors.js';
import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';
import { workloadImages, type ContainerField } from './workload-images.js';
import { hasVariables, interpolate, type VariableLookup } from './compose-variables.js';

export interface ManifestImage {
  /** The file as the user named it (`-` for stdin). */
  file: string;
  /** 0-based document index in the file, 1-based line of the image value. */
  document: number;
  line: number;
  /** `Deployment/web`, `compose/web`. */
  owner: string;
  container: string;
  field: ContainerField | 'compose';
  image: string;
  /** Byte range of the scalar holding the image (after resolving a YAML alias). */
  range: [number, number];
  /** How the scalar is written, to write the pinned value the same way. */
  style: Scalar.Type | undefined;
  /** A Compose image written with variables (`${REGISTRY}/app:${TAG}`), as written; `image` is its value. */
  source?: string;
}

/**
 * Every image in `text` (the content of `file`). Compose images with
 * variables are interpolated from `variables` (compose-variables.ts). Throws
 * UsageError for text that is not YAML or a variable that is not set.
 */
export function manifestImages(file: string, text: string, variables: VariableLookup = () => undefined): ManifestImage[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  if (!Array.isArray(docs)) return []; // an empty stream
  if (docs.length > LIMITS.maxDeployDocuments) throw new UsageError('bad-manifest', `${file} has ${docs.length} documents, more than ${LIMITS.maxDeployDocuments}`);
  const lineOf = lineIndex(text);
  const out: ManifestImage[] = [];
  docs.forEach((doc, index) => {
    const error = doc.errors[0];
    if (error) throw new UsageError('bad-manifest', `${file}: document ${index + 1} is not valid YAML (line ${lineOf(error.pos[0])}): ${error.message.split('\n')[0]}`);
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    for (const site of sitesOf(value)) {
      const node = scalarAt(doc, site.path);
      if (!node?.range || typeof node.value !== 'string') continue;
      const line = lineOf(node.range[0]);
      const templated = site.field === 'compose' && hasVariables(node.value);
      out.push({
        file,
        document: index,
        line,
        owner: site.owner,
        container: site.container,
        field: site.field,
        image: templated ? interpolate(node.value, variables, `${file}:${line} ${site.owner}`) : node.value,
        range: [node.range[0], node.range[1]],
        style: node.type,
        ...(templated ? { source: node.value } : {}),
      });
    }
  });
  return out;
}

type Site = { path: Array<string | number>; owner: string; container: string; field: ManifestImage['field'] };

/** Compose (a `services` map, no `kind`) or Kubernetes objects. */
function sitesOf(value: unknown): Site[] {
  if (isRecord(value) && !Object.hasOwn(value, 'kind') && isRecord(value['services'])) {
    const out: Site[] = [];
    for (const [name, service] of Object.entries(value['services'])) {
      if (isRecord(service) && typeof service['image'] === 'string') out.push({ path: ['services', name, 'image'], owner: `compose/${name}`, container: name, field: 'compose' });
    }
    return out;
  }
  return workloadImages(value);
}

function scalarAt(doc: Document, path: Array<string | number>): Scalar | undefined {
  let node: unknown = doc.getIn(path, true);
  if (isAlias(node)) node = (node as Alias).resolve(doc);
  return isScalar(node) ? node : undefined;
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
