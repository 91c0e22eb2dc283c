// The Debian packages (and the binaries that prove they are installed) that
// the tests and the benchmark need. One list, used by pretest and .ci/run.
export const SYSTEM_PACKAGES = [
  { pkg: 'docker-registry', bins: ['docker-registry'], why: 'registry tests run against the real CNCF distribution registry' },
  { pkg: 'skopeo', bins: ['skopeo'], why: 'tests push fixture images with skopeo' },
  { pkg: 'notary', bins: ['notary', 'notary-server'], why: 'Notary v1 interop and migration tests' },
  { pkg: 'openssl', bins: ['openssl'], why: 'throwaway TLS certificates for notary-server' },
  // Installed only when no `kubectl` is on PATH (pretest checks the binary, not the package): the
  // cloud SDK's kubectl package, already on many machines, conflicts with Debian's kubernetes-client.
  { pkg: 'kubernetes-client', bins: ['kubectl'], why: 'admission and manifest tests build Kubernetes objects with kubectl --dry-run=client' },
];
