/** Write the CLI bundle of `entry` (a file in src/cli, default cli-bundle.ts) to `outfile`. */
export function buildCliBundle(outfile: string, entry?: string): Promise<void>;
