/** Write the CLI bundle to `outfile` (it must sit beside the launcher, named signet-cli.cjs). */
export function buildCliBundle(outfile: string): Promise<void>;
