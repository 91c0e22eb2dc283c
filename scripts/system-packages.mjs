// The Debian packages (and the binaries that prove they are installed) that
// the tests and the benchmark need. One list, used by pretest and .ci/run.
export const SYSTEM_PACKAGES = [
  { pkg: 'docker-registry', bins: ['docker-registry'], why: 'registry tests run against the real CNCF distribution registry' },
  { pkg: 'skopeo', bins: ['skopeo'], why: 'tests push fixture images with skopeo' },
  { pkg: 'notary', bins: ['notary', 'notary-server'], why: 'Notary v1 interop and migration tests' },
  { pkg: 'openssl', bins: ['openssl'], why: 'throwaway TLS certificates for notary-server' },
  { pkg: 'jq', bins: ['jq'], why: 'tests run the README\'s jq filters over `verify --json` as a deploy gate does' },
  { pkg: 'softhsm2', bins: ['softhsm2-util'], why: 'PKCS#11 token tests: keys on a SoftHSM2 token in a temp token directory' },
  { pkg: 'opensc', bins: ['pkcs11-tool'], why: 'token tests make a key outside signet with pkcs11-tool' },
  { pkg: 'g++', bins: ['g++'], why: 'the optional pkcs11js binding builds with node-gyp at npm install' },
  { pkg: 'make', bins: ['make'], why: 'the optional pkcs11js binding builds with node-gyp at npm install' },
  // Installed only when no `kubectl` is on PATH (pretest checks the binary, not the package): the
  // cloud SDK's kubectl package, already on many machines, conflicts with Debian's kubernetes-client.
  { pkg: 'kubernetes-client', bins: ['kubectl'], why: 'admission and manifest tests build Kubernetes objects with kubectl --dry-run=client' },
];
