// Deterministic images pushed straight to the benchmark registry over the
// OCI distribution API: one config and one layer blob shared by every tag,
// and one small manifest per tag (an annotation makes each digest distinct).

import { createHash } from 'node:crypto';
import { fetch } from 'undici';

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Push a blob unless present; returns its descriptor fields. */
export async function pushBlob(registryUrl, repo, bytes) {
  const digest = `sha256:${sha256(bytes)}`;
  const head = await fetch(`${registryUrl}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
  if (head.status === 200) return { digest, size: bytes.length };
  const start = await fetch(`${registryUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status}`);
  const location = new URL(start.headers.get('location'), registryUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload: ${put.status}`);
  return { digest, size: bytes.length };
}

/** The base blobs of every benchmark image (a tiny config and layer). */
export async function pushBase(registryUrl, repo, layerBytes = Buffer.from('signet bench layer\n')) {
  const layer = await pushBlob(registryUrl, repo, layerBytes);
  const config = await pushBlob(registryUrl, repo, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] } })));
  return { config, layer };
}

export function manifestFor(base, tag) {
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...base.config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...base.layer }],
    annotations: { 'org.example.bench.tag': tag },
  };
  return Buffer.from(JSON.stringify(manifest));
}

/**
 * Push `tags` of `repo`, `concurrency` at a time. Returns, per tag, the
 * manifest's size and sha256 (what a signer records).
 */
export async function pushTags(registryUrl, repo, base, tags, concurrency = 16) {
  const out = new Map();
  let next = 0;
  const lane = async () => {
    while (next < tags.length) {
      const tag = tags[next++];
      const bytes = manifestFor(base, tag);
      const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: bytes, headers: { 'content-type': MANIFEST_TYPE } });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`manifest ${repo}:${tag}: ${res.status}`);
      out.set(tag, { size: bytes.length, sha256: sha256(bytes) });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return out;
}

export const tagNames = (n, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);
