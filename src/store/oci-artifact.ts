// One TUF metadata file as an OCI artifact: an OCI image manifest whose single
// layer is the file's bytes. OCI 1.1 registries see `artifactType`; 1.0 ones
// (distribution 2.8, no artifact or referrers support) see the signet config
// media type, the 1.0-compatible way to type an artifact.
// https://github.com/opencontainers/image-spec/blob/main/manifest.md#guidelines-for-artifact-usage

import { MEDIA_TYPES, isDescriptor, type Descriptor } from '../image/manifest.js';
import { ociDigest } from '../metadata/digest.js';
import { isRecord } from '../metadata/types.js';
import { VerificationError } from '../errors.js';

export const TUF_ARTIFACT_TYPE = 'application/vnd.signet.tuf.metadata.v1+json';
export const TUF_CONFIG_TYPE = 'application/vnd.signet.tuf.config.v1+json';
export const TUF_LAYER_TYPE = 'application/vnd.signet.tuf.metadata.v1+json';
/** Standard title annotation (as file-carrying artifacts use it): the TUF file name. */
export const TITLE_ANNOTATION = 'org.opencontainers.image.title';

/** The config blob every signet artifact shares: `{}`. */
export const CONFIG_BYTES = Buffer.from('{}');

/** The manifest bytes for metadata file `name` with content `bytes`. */
export function artifactManifest(name: string, bytes: Uint8Array): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: TUF_ARTIFACT_TYPE,
    config: { mediaType: TUF_CONFIG_TYPE, digest: ociDigest(CONFIG_BYTES), size: CONFIG_BYTES.length },
    layers: [{ mediaType: TUF_LAYER_TYPE, digest: ociDigest(bytes), size: bytes.length, annotations: { [TITLE_ANNOTATION]: name } }],
    annotations: { [TITLE_ANNOTATION]: name },
  };
  return Buffer.from(JSON.stringify(manifest));
}

/**
 * The payload descriptor of an artifact manifest fetched for `name`. Refuses
 * anything but a signet artifact with exactly one layer titled `name`, so a
 * tag re-pointed at another file (or an image) is caught before any download.
 */
export function payloadDescriptor(manifestBytes: Uint8Array, name: string, where: string): Descriptor {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(manifestBytes).toString('utf8'));
  } catch (cause) {
    throw new VerificationError('bad-artifact', `${where}: the manifest for ${name} is not JSON`, { cause });
  }
  const config = isRecord(doc) ? doc['config'] : undefined;
  const layers = isRecord(doc) ? doc['layers'] : undefined;
  if (!isRecord(config) || config['mediaType'] !== TUF_CONFIG_TYPE || !Array.isArray(layers) || layers.length !== 1) {
    throw new VerificationError('bad-artifact', `${where}: the tag for ${name} does not hold a signet metadata artifact`);
  }
  const layer: unknown = layers[0];
  if (!isDescriptor(layer) || layer.mediaType !== TUF_LAYER_TYPE) {
    throw new VerificationError('bad-artifact', `${where}: the artifact for ${name} has no ${TUF_LAYER_TYPE} layer`);
  }
  const title = isRecord(layer) && isRecord(layer['annotations']) ? layer['annotations'][TITLE_ANNOTATION] : undefined;
  if (title !== name) {
    throw new VerificationError('bad-artifact', `${where}: the tag for ${name} holds ${JSON.stringify(title)}; tags were re-pointed`);
  }
  return layer;
}

export const LEASE_ARTIFACT_TYPE = 'application/vnd.signet.lease.v1+json';
/** Manifest annotation carrying the publish lease document (registry-lease.ts). */
export const LEASE_ANNOTATION = 'dev.signet.lease';
const EMPTY_TYPE = 'application/vnd.oci.empty.v1+json';
const LEASE_DOC_BYTES = 4096;

/** The lease artifact: the document rides in an annotation, so reading it is one GET. */
export function leaseManifest(doc: Uint8Array): Buffer {
  const empty = { mediaType: EMPTY_TYPE, digest: ociDigest(CONFIG_BYTES), size: CONFIG_BYTES.length };
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: LEASE_ARTIFACT_TYPE,
    config: { ...empty, mediaType: TUF_CONFIG_TYPE },
    layers: [empty],
    annotations: { [LEASE_ANNOTATION]: Buffer.from(doc).toString('utf8') },
  };
  return Buffer.from(JSON.stringify(manifest));
}

/** The lease document in a lease manifest; a foreign or malformed manifest reads as no lease. */
export function leaseOf(manifestBytes: Uint8Array): Uint8Array | undefined {
  try {
    const doc = JSON.parse(Buffer.from(manifestBytes).toString('utf8')) as unknown;
    const text = isRecord(doc) && isRecord(doc['annotations']) ? doc['annotations'][LEASE_ANNOTATION] : undefined;
    return typeof text === 'string' && text.length <= LEASE_DOC_BYTES ? Buffer.from(text) : undefined;
  } catch {
    return undefined;
  }
}
