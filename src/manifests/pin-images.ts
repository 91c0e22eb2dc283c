// `--pin`: rewrite image values in a deploy file to `name@sha256:…`, editing
// only the bytes of each image scalar (comments, order, quoting, blank lines
// and every other byte stay as they were).

import type { ManifestImage } from './manifest-file.js';

/** `text` with each image in `pins` (by range) replaced by its pinned value, written in the scalar's own quoting style. */
export function pinImages(text: string, pins: ReadonlyArray<{ image: ManifestImage; pinned: string }>): string {
  const byStart = new Map<number, { image: ManifestImage; pinned: string }>();
  for (const pin of pins) byStart.set(pin.image.range[0], pin); // an anchored image shared by aliases is edited once
  const edits = [...byStart.values()].sort((a, b) => b.image.range[0] - a.image.range[0]);
  let out = text;
  for (const { image, pinned } of edits) {
    const [start, end] = image.range;
    out = out.slice(0, start) + written(pinned, image.style) + out.slice(end);
  }
  return out;
}

function written(value: string, style: ManifestImage['style']): string {
  switch (style) {
    case 'PLAIN':
      return value; // `host:5000/app@sha256:…` is a valid plain scalar (no ": ", no " #")
    case 'QUOTE_SINGLE':
      return `'${value.replaceAll("'", "''")}'`;
    default:
      return JSON.stringify(value); // double-quoted (also replaces a rare block scalar)
  }
}

/**
 * The pinned spelling of `image`: the user's own name (registry and path as
 * written, without tag or digest) and the verified digest. Kubernetes and
 * Compose then pull exactly the bytes that were verified.
 */
export function pinnedName(image: string, digest: string): string {
  let name = image;
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon >= 0 && !name.slice(colon + 1).includes('/')) name = name.slice(0, colon);
  return `${name}@${digest}`;
}
