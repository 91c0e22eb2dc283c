// signet's library surface: everything a command does is reachable from here.

export * from './errors.js';
export { LIMITS } from './limits.js';
export { VERSION } from './version.js';
// trust metadata
export * from './metadata/types.js';
export { canonicalize, canonicalBytes } from './metadata/canonical-json.js';
export { signEnvelope, checkThreshold, requireThreshold, type ThresholdResult } from './metadata/signing.js';
export { parseDuration, formatExpiry, expiryAfter, isExpired, DEFAULT_EXPIRY_SECONDS } from './metadata/expiry.js';
export { sha256Hex, ociDigest } from './metadata/digest.js';
export { TrustRepository, updateRepository, serialize, type TargetEntry, type PublishOptions } from './trust/trust-repository.js';
export { initializeRepository } from './trust/initialize.js';
export { buildRoot, type RootSpec } from './trust/root-builder.js';
export { parseRoot, verifyRootUpdate, loadLatestRoot, rootThreshold } from './trust/root-chain.js';
export { binFor, binName } from './trust/succinct-bins.js';
export { enableBins, migrateToBins, bitLengthForBinCount, DEFAULT_BIN_BIT_LENGTH, type BinsOptions, type BinsMigration } from './trust/bins-layout.js';
// keys
export { Keystore, type PassphraseProvider, type PassphraseRequest, type KeyInfo, type TokenKeys } from './keys/keystore.js';
export { ed25519Signer, ecdsaSigner, type Signer, type SignerProvider } from './keys/signer.js';
export { KeyRing, type KeyRingOptions } from './keys/key-ring.js';
export { closeOpenTokens } from './keys/token-loader.js';
export { ECDSA, ECDSA_P256, KEY_ALGORITHMS, algorithmOf, parseKeyAlgorithm, verifySignature, verifyWithKeyObject, type KeyAlgorithm } from './keys/key-schemes.js';
export { TOKEN_KEY_FORMAT, type TokenKeyFile } from './keys/token-key-file.js';
export { keyIdOf, shortKeyId, fingerprint } from './keys/key-id.js';
export { KEY_FORMAT, DEFAULT_SCRYPT, WrongPassphraseError, KeyFileTamperedError, type KeyFile } from './keys/key-file.js';
export { PUBLIC_KEY_FORMAT, readPublicKeyFile, parsePublicKey, publicKeyPem, type PublicKeyExport, type PublicKeyRead } from './keys/public-key-file.js';
// offline root ceremony (files only)
export { createRoot, parseRoleAssignments, parseThresholds, parseExpiries, type CreateRootOptions } from './ceremony/root-create.js';
export { signRoot, type SignRootResult } from './ceremony/root-sign.js';
export { describeRoot, rootSigningKeys, type RootReport, type ThresholdStatus } from './ceremony/root-report.js';
export { rotateRoot, type RootChanges } from './ceremony/root-rotate.js';
export { publishRoot, type PublishRootResult } from './ceremony/root-publish.js';
export { readRootFile, writeRootFile } from './ceremony/root-file.js';
export { loadCeremonySigner, resolveKeyReference, resolveKeystoreKeyId } from './ceremony/ceremony-signer.js';
// stores
export type { MetadataStore, PublishLock, FaultHook } from './store/metadata-store.js';
export { DirectoryStore } from './store/directory-store.js';
export { openStore } from './store/open-store.js';
export { HttpStore, type HttpStoreOptions } from './store/http-store.js';
export { OciStore, parseOciLocation, type OciStoreOptions } from './store/oci-store.js';
export { tagForName, nameForTag } from './store/oci-tags.js';
export { RegistryLease, type LeaseCell, type LeaseOptions } from './store/registry-lease.js';
export { copyTrustRepository, type TrustCopyResult } from './trust/copy-repository.js';
export { copyWithTrust, defaultTrustLocation, type CopyOptions, type CopyReport } from './workflows/copy.js';
// images
export * from './image/image-reference.js';
export { OciLayout } from './image/oci-layout.js';
export { openImageSource, type ImageSource } from './image/image-source.js';
export { MEDIA_TYPES, type Manifest } from './image/manifest.js';
export { writeSampleLayout, sampleManifest, sampleIndex, addToLayout } from './image/sample-images.js';
export { writeSampleTrust, SAMPLE_NAME, SAMPLE_SCOPE } from './workflows/sample-trust.js';
// registries (undici loads with these; the CLI imports them lazily)
export { parseRegistryReference, formatRegistryReference, withoutRegistryHost } from './registry/reference.js';
export { RegistryClient, MANIFEST_ACCEPT, type Repository } from './registry/registry-client.js';
export { DockerConfigCredentials, staticCredentials, firstOf, type Credential, type CredentialSource } from './registry/credentials.js';
export type { RegistryClientOptions } from './registry/registry-options.js';
export { pullImage, type PullResult } from './registry/pull-image.js';
// verification
export { withTrustSession, type TrustSession, type TrustSource } from './verify/trust-session.js';
export { verifyManifest, type VerifiedImage } from './verify/verify-image.js';
export { VERIFY_SCHEMA_VERSION, VERIFY_ERROR_CODES, verifyReport, type VerifyResult, type VerifiedResult, type RefusedResult, type VerifyReport, type VerifyOutcome } from './verify/verify-result.js';
export { verifyFile, type VerifiedFile } from './verify/verify-file.js';
export { ContentCheck, checkBytes, checkStream, type SignedContent, type ReceivedContent } from './verify/content-check.js';
export { parseFileReference, type FileReference } from './files/file-reference.js';
export { createBundle, type BundleCreateOptions, type BundleReport } from './workflows/bundle-create.js';
export { openBundle, type Bundle } from './bundle/bundle-reader.js';
// policy and workflows
export * from './policy/trust-policy.js';
export type { SignetContext } from './workflows/context.js';
export { initTrustRepository } from './workflows/init.js';
export { signImages, targetsFor, type SignedTarget } from './workflows/sign.js';
export { migrateTrustRepository, binsStatus } from './workflows/bins.js';
export { verifyImages } from './workflows/verify.js';
// Deploy manifests (Kubernetes YAML, Compose): find images, verify, pin
export { verifyManifests, type ManifestReport, type ManifestResult } from './workflows/verify-manifests.js';
export { manifestImages, type ManifestImage } from './manifests/manifest-file.js';
export { workloadImages, type ImageSite } from './manifests/workload-images.js';
export { pinImages, pinnedName } from './manifests/pin-images.js';
// The Kubernetes deploy gate (admission webhook)
export { Gate, type Decision, type GateOptions, type ImageVerdict } from './admission/gate.js';
export { WarmTrust, type WarmOptions } from './admission/warm-trust.js';
export { parseRules, readRules, ruleFor, type GateRule, type GateRules } from './admission/admission-rules.js';
export { parseAdmissionReview, admissionResponse } from './admission/admission-review.js';
export { startAdmissionServer, type AdmissionServer } from './admission/server.js';
export { installManifests } from './admission/install-manifests.js';
export { listSigned } from './workflows/list.js';
export { pullVerifiedImage } from './workflows/pull.js';
export { publishSignedRoot } from './workflows/root-publish.js';
export { runDemo } from './workflows/demo.js';
// Notary v1 / Docker Content Trust: read, verify, migrate
export { NotaryTrustedSet, type TrustedTargetsRole } from './notary/notary-trusted-set.js';
export { loadNotaryCollection, type NotaryCollection, type LoadNotaryOptions } from './notary/notary-client.js';
export { TrustDirectoryFetcher, type NotaryFetcher, type NotaryFileRequest } from './notary/notary-fetcher.js';
export { NotaryServerFetcher } from './notary/notary-server-fetcher.js';
export { certificatePin, keyIdPin, type NotaryPin } from './notary/notary-pin.js';
export { dockerTags, RELEASES_ROLE, type NotaryTag } from './notary/docker-tags.js';
export { planNotaryMigration, applyNotaryMigration, repositoryNameOf, type NotaryMigrationPlan } from './notary/notary-migration.js';
export { migrateNotary } from './workflows/migrate-notary.js';
export { verifyNotaryImages } from './workflows/verify-notary.js';
// general TUF client (signet tuf)
export { tufInit, type TufInitResult } from './tuf-client/tuf-init.js';
export { tufRefresh, withTufClient, type TufClientOptions, type RefreshSummary } from './tuf-client/tuf-client.js';
export { tufDownload, type TufDownloadOptions, type TufDownloadResult, type DownloadedTarget } from './tuf-client/tuf-download.js';
// CLI
export { runCli, type CliResult, type RunCliOptions } from './cli/run-cli.js';
// revoke, rotate, delegate, freshness
export { revokeTargets, type RevokeRequest, type RevokedTarget } from './trust/revoke-targets.js';
export { REVOKED_FIELD, recordRevocation, revocationOf, type RevocationRecord } from './trust/revocation-records.js';
export { addDelegation, removeDelegation, listDelegations, findDelegation, withDigestPatterns, type DelegationSpec, type DelegationInfo } from './trust/delegations.js';
export { requireDelegatedPaths } from './trust/delegated-paths.js';
export { prepareDetached, signDetached, publishDetached, parseDetached, serializeDetached, summarize as summarizeDetached, type DetachedRole, type DetachedSummary } from './trust/detached-role.js';
export { rotateRoleKeys, type KeyChange, type RotationResult } from './trust/key-rotation.js';
export { revokeKey, type KeyRevocationResult } from './trust/key-revocation.js';
export { nextRoot, signNextRoot } from './trust/next-root.js';
export { refreshMetadata, DEFAULT_SNAPSHOT_WITHIN_SECONDS, type RefreshOptions, type RefreshPlan } from './trust/freshness.js';
export { repositoryStatus, type RepositoryStatus, type RoleStatus } from './trust/repository-status.js';
export { notSignedError } from './verify/not-signed-error.js';
export { revokeImages } from './workflows/revoke.js';
export { addDelegationWorkflow, removeDelegationWorkflow, listDelegationsWorkflow, signDelegationFile, publishDelegationFile, inspectDelegationFile } from './workflows/delegation.js';
export { signDetachedImages } from './workflows/sign-detached.js';
export { rotateKeyWorkflow, revokeKeyWorkflow } from './workflows/key-rotation.js';
export { refreshTimestampWorkflow, statusWorkflow } from './workflows/freshness.js';
export { addTrustEntry, listTrustEntries, removeTrustEntry, type TrustEntryAdd, type PinnedRootSummary, type ListedTrustEntry } from './workflows/trust-entries.js';
