// The one place that says which command re-signs a role, so `status`
// warnings and `verify` expiry errors give the same advice.

/** The command that re-signs `role`. */
export function fixFor(role: string): string {
  if (role === 'timestamp') return 'run `signet timestamp` to refresh it';
  if (role === 'snapshot') return 'run `signet timestamp --role snapshot` to refresh it';
  if (role === 'root') return 'the root key holders must re-sign it: `signet timestamp --role root` with the root keys';
  return `re-sign it with its key: \`signet timestamp --role ${role}\``;
}
