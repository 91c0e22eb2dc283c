// bundle.json: the table of contents of an air-gap bundle. It is not signed
// and is not trusted for anything but routing: which directory holds the
// trust metadata for which names, and where the images are. Every verdict
// still comes from the metadata itself, checked against the verifier's pin.

import { isRecord } from '../metadata/types.js';
import { VerificationError } from '../errors.js';

export const BUNDLE_MANIFEST = 'bundle.json';
export const BUNDLE_FORMAT = 1;
/** The OCI image layout inside a bundle made `--with-images`. */
export const BUNDLE_IMAGES_DIR = 'images';

export interface BundleRepository {
  /** `trust/<n>`: consistent-snapshot metadata files of one trust repository. */
  dir: string;
  /** Where the creator read it from (for messages only). */
  source: string;
  /** Image names and file target names the bundle was made for. */
  names: string[];
}

export interface BundleManifest {
  signetBundle: typeof BUNDLE_FORMAT;
  /** When it was made (the creator's clock). */
  created: string;
  repositories: BundleRepository[];
  /** True when `images/` holds the images as an OCI layout. */
  images: boolean;
}

const DIR = /^trust\/[0-9]{1,4}$/;

/** Parse and shape-check bundle.json (bytes already bounded). */
export function parseBundleManifest(bytes: Uint8Array, where: string): BundleManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new VerificationError('bad-bundle', `${where}: bundle.json is not JSON`, { cause: error });
  }
  const fail = (what: string) => new VerificationError('bad-bundle', `${where}: bundle.json ${what}; make the bundle again with \`signet bundle create\``);
  if (!isRecord(doc) || doc['signetBundle'] !== BUNDLE_FORMAT) throw fail(`is not a signet bundle of format ${BUNDLE_FORMAT}`);
  const repositories = doc['repositories'];
  if (!Array.isArray(repositories) || repositories.length === 0 || repositories.length > 1000) throw fail('lists no trust repositories');
  const out: BundleRepository[] = repositories.map((r) => {
    if (!isRecord(r) || typeof r['dir'] !== 'string' || !DIR.test(r['dir']) || typeof r['source'] !== 'string') throw fail('has a malformed repository entry');
    const names = r['names'];
    if (!Array.isArray(names) || names.length > 100_000 || !names.every((n) => typeof n === 'string')) throw fail('has a malformed names list');
    return { dir: r['dir'], source: r['source'], names: names as string[] };
  });
  return { signetBundle: BUNDLE_FORMAT, created: typeof doc['created'] === 'string' ? doc['created'] : '', repositories: out, images: doc['images'] === true };
}
