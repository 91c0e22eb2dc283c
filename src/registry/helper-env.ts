// The environment a docker credential helper (a third-party program) runs with:
// an allow-list of what helpers are known to need, never signet's own secrets
// (SIGNET_PASSPHRASE*, SIGNET_PKCS11_PIN, anything SIGNET_*).

/** Variables passed as they are: finding programs, the user's home, locale, proxies, TLS. */
const NAMES = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LANGUAGE', 'TZ',
  'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy',
  'SSL_CERT_FILE', 'SSL_CERT_DIR',
  // docker-credential-secretservice and -pass talk to the desktop keyring and gpg.
  'DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'GNUPGHOME', 'GPG_AGENT_INFO', 'PASSWORD_STORE_DIR',
]);

/** Families of variables cloud helpers read (ecr-login, gcr, acr-env, …). */
const PREFIXES = ['LC_', 'XDG_', 'DOCKER_', 'AWS_', 'GOOGLE_', 'CLOUDSDK_', 'AZURE_'];

/** The allow-listed part of `env`. Nothing named SIGNET_* ever passes. */
export function credentialHelperEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.toUpperCase().startsWith('SIGNET_')) continue;
    if (NAMES.has(name) || PREFIXES.some((prefix) => name.startsWith(prefix))) out[name] = value;
  }
  return out;
}
