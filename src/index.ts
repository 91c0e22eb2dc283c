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
export { Keystore, type PassphraseProvider, type PassphraseRequest, type KeyInfo } from './keys/keystore.js';
export { ed25519Signer, type Signer, type SignerProvider } from './keys/signer.js';
export { keyIdOf, shortKeyId, fingerprint } from './keys/key-id.js';
// stores
export type { MetadataStore } from './store/metadata-store.js';
export { DirectoryStore } from './store/directory-store.js';
export { openStore } from './store/open-store.js';
// images
export * from './image/image-reference.js';
export { OciLayout } from './image/oci-layout.js';
export { openImageSource, type ImageSource } from './image/image-source.js';
export { MEDIA_TYPES, type Manifest } from './image/manifest.js';
export { writeSampleLayout, sampleManifest, sampleIndex, addToLayout } from './image/sample-images.js';
// registries (undici loads with these; the CLI imports them lazily)
export { parseRegistryReference, formatRegistryReference, withoutRegistryHost } from './registry/reference.js';
export { RegistryClient, MANIFEST_ACCEPT, type Repository } from './registry/registry-client.js';
export { DockerConfigCredentials, staticCredentials, firstOf, type Credential, type CredentialSource } from './registry/credentials.js';
export type { RegistryClientOptions } from './registry/registry-options.js';
export { pullImage, type PullResult } from './registry/pull-image.js';
// verification
export { withTrustSession, type TrustSession, type TrustSource } from './verify/trust-session.js';
export { verifyManifest, type VerifiedImage } from './verify/verify-image.js';
// policy and workflows
export * from './policy/trust-policy.js';
export type { SignetContext } from './workflows/context.js';
export { initTrustRepository } from './workflows/init.js';
export { signImages, targetsFor } from './workflows/sign.js';
export { migrateTrustRepository, binsStatus } from './workflows/bins.js';
export { verifyImages } from './workflows/verify.js';
export { listSigned } from './workflows/list.js';
export { pullVerifiedImage } from './workflows/pull.js';
export { runDemo } from './workflows/demo.js';
// CLI
export { runCli, type CliResult, type RunCliOptions } from './cli/run-cli.js';
