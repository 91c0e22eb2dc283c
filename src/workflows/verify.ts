// `signet verify`: one TUF refresh per trust repository (tuf-js), then each
// image resolved (or file hashed) and checked against its signed target. Each
// reference gets its own outcome; invalid and inconclusive stay distinct.

import { ImageSources } from './image-sources.js';
import { withTrustSession } from '../verify/trust-session.js';
import { asMissingImage, verifyManifest, type VerifiedImage } from '../verify/verify-image.js';
import { SignetError, unexpectedError } from '../errors.js';
import { groupByTrust, type TrustOptions } from './resolve-trust.js';
import { parseEachTargetReference, type ReferenceOptions, type TargetReference } from './references.js';
import { verifyFile, type VerifiedFile } from '../verify/verify-file.js';
import { mapLimit } from './map-limit.js';
import type { SignetContext } from './context.js';
import { LIMITS } from '../limits.js';
import type { VerifyOutcome as GenericOutcome } from '../verify/verify-result.js';

export interface VerifyOptions extends TrustOptions, ReferenceOptions {
  concurrency?: number;
}

/** One reference's outcome (see src/verify/verify-result.ts, the one result type). */
export type VerifyOutcome = GenericOutcome<VerifiedImage> | GenericOutcome<VerifiedFile>;

/** Feed `outcomes` to verifyReport (src/verify/verify-result.ts) for the `--json` shape and exit code. */
export interface VerifyReport {
  /** Exactly one per reference, in the order given: a malformed or uncovered reference fails alone. */
  outcomes: VerifyOutcome[];
  /** Metadata bytes downloaded across trust repositories. */
  bytesDownloaded: number;
}

export async function verifyImages(texts: readonly string[], options: VerifyOptions, ctx: SignetContext): Promise<VerifyReport> {
  const parsed = await parseEachTargetReference(texts, options, ctx);
  const refs = parsed.filter((p): p is TargetReference => !(p instanceof SignetError));
  const byRef = new Map<TargetReference, VerifyOutcome>();
  let bytesDownloaded = 0;
  const sources = new ImageSources(ctx.registry);
  let done = 0;
  ctx.progress?.('verifying', 0, refs.length);
  const groups = await groupByTrust(refs, options, ctx, (ref, error) => {
    byRef.set(ref, { ok: false, reference: ref.text, error });
    done++;
  });
  for (const group of groups) {
    const base = done;
    const source = { store: group.trust.store, pinnedRoot: group.trust.pinnedRootBytes, home: ctx.home, scope: group.trust.scope };
    // A reader that catches a publish half-way (a file the metadata names is
    // not there yet) retries a bounded number of times rather than failing.
    for (let attempt = 0; ; attempt++) {
      const outcomes = new Map<TargetReference, VerifyOutcome>();
      try {
        await withTrustSession(source, async (session) => {
          await mapLimit(group.items, options.concurrency ?? 8, async (ref) => {
            outcomes.set(ref, await verifyOne(session, ref, sources));
            ctx.progress?.('verifying', base + outcomes.size, refs.length);
          });
          bytesDownloaded += session.bytesDownloaded();
        });
      } catch (error) {
        const failure = asSignetError(error);
        for (const ref of group.items) if (!outcomes.has(ref)) outcomes.set(ref, { ok: false, reference: ref.text, error: failure });
      }
      const caughtMidPublish = [...outcomes.values()].some((o) => !o.ok && o.error.code === 'metadata-missing');
      if (!caughtMidPublish || attempt >= LIMITS.maxMetadataMissingRetries) {
        for (const [ref, outcome] of outcomes) byRef.set(ref, outcome);
        done = base + group.items.length;
        ctx.progress?.('verifying', done, refs.length);
        break;
      }
      ctx.log(`${group.trust.store.location}: a publish seems to be in progress; retrying (${attempt + 1} of ${LIMITS.maxMetadataMissingRetries})`);
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
  const outcomes = parsed.map((p, i): VerifyOutcome => (p instanceof SignetError ? { ok: false, reference: texts[i]!, error: p } : byRef.get(p)!));
  return { outcomes, bytesDownloaded };
}

async function verifyOne(session: Parameters<typeof verifyManifest>[0], ref: TargetReference, sources: ImageSources): Promise<VerifyOutcome> {
  try {
    if (ref.kind === 'file') return { ok: true, ...(await verifyFile(session, ref)) };
    const source = await sources.for(ref);
    const manifest = await source.getManifest(ref);
    return { ok: true, ...(await verifyManifest(session, ref, manifest)) };
  } catch (error) {
    return { ok: false, reference: ref.text, error: asMissingImage(asSignetError(error)) };
  }
}

function asSignetError(error: unknown): SignetError {
  if (error instanceof SignetError) return error;
  return unexpectedError(error);
}
