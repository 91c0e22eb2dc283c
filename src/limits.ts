// Every byte limit and loop cap signet applies to untrusted input, in one table.
// Reads larger than these are refused, never truncated.

const KiB = 1024;
const MiB = 1024 * KiB;

export const LIMITS = {
  /** TUF metadata files, per role (tuf-js config uses the same numbers). */
  rootBytes: 512 * KiB,
  timestampBytes: 16 * KiB,
  snapshotBytes: 16 * MiB,
  targetsBytes: 64 * MiB,
  /** OCI / Docker manifests and indexes. */
  manifestBytes: 4 * MiB,
  /** OCI image layout index.json and oci-layout marker. */
  layoutIndexBytes: 4 * MiB,
  /** Trust policy, key files, root pins. */
  configFileBytes: 1 * MiB,
  /** A passphrase file (--passphrase-file, --new-passphrase-file). */
  passphraseFileBytes: 64 * KiB,
  /** Root rotations walked in one update (TUF 5.3). */
  maxRootRotations: 256,
  /** Delegated roles visited while looking up one target (TUF 5.6.7). */
  maxDelegations: 32,
  /** Signatures examined on one metadata file. */
  maxSignaturesTried: 1024,
  /** Manifests listed by one index that we follow. */
  maxIndexManifests: 256,
  /** Metadata files written at once while publishing (bins to a registry store). */
  publishConcurrency: 8,
  /** `signet copy` holds one blob in memory at a time, up to this size. */
  copyBlobBytes: 1024 * MiB,
  /** Versions a publish skips over when `N.role.json` already exists (crashed or racing publishers). */
  maxVersionSkips: 64,
  /** Whole publishes re-applied after a lost lock or a lost race (docs/concurrency.md). */
  maxPublishAttempts: 5,
  /** Verifications retried when a publish is caught half-way (`metadata-missing`). */
  maxMetadataMissingRetries: 4,
  /** Registry: error bodies, token responses, credential helper output. */
  registryErrorBytes: 64 * KiB,
  registryTokenBytes: 1 * MiB,
  credentialHelperBytes: 64 * KiB,
  /** Registry: one page of a tags list, and how many pages we follow (Link rel=next). */
  tagsPageBytes: 4 * MiB,
  maxTagPages: 100,
  /** Registry: redirects followed per request, attempts per request (429/5xx/reset). */
  maxRedirects: 5,
  maxAttempts: 4,
  /** Blobs (config and layers) one image manifest may list, and the largest blob we copy. */
  maxManifestBlobs: 1024,
  blobBytes: 64 * 1024 * MiB,
  /** Revocation records kept per targets role (oldest dropped first). */
  maxRevocationRecords: 4096,
  /** Notary v1: a token service's JSON answer (registry-style token auth). */
  notaryTokenBytes: 64 * KiB,
  /** Notary v1: roles fetched for one collection (targets + delegations). */
  notaryMaxRoles: 64,
  /** Deploy manifests (Kubernetes YAML, Helm/Kustomize output, Compose) read by `verify -f`. */
  deployFileBytes: 16 * MiB,
  /** Image references found in one call's manifests, and documents per file. */
  maxDeployImages: 10_000,
  maxDeployDocuments: 10_000,
  /** An AdmissionReview request body (the API server's own limit is 3 MiB). */
  admissionReviewBytes: 3 * MiB,
  /** Bundles (air-gapped verification): bundle.json, entries in a bundle tar, its total size. */
  bundleManifestBytes: 1 * MiB,
  maxBundleEntries: 200_000,
  bundleTotalBytes: 256 * 1024 * MiB,
  /** Nesting of `kind: List` inside a manifest. */
  maxListDepth: 4,
} as const;
