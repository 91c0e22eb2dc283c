// The deploy gate's decision for one Kubernetes object: every image of its
// pod spec, under the rule for its namespace and image, checked by the
// same code as `signet verify` (verify/verify-image.ts over a warm trust
// session) within a time budget. Returns the verdict, Kubernetes warnings
// for audited images, and JSONPatch operations pinning verified images.

import type { ImageReference, RegistryReference } from '../image/image-reference.js';
import type { Manifest } from '../image/manifest.js';
import { workloadImages, jsonPointer, type ImageSite } from '../manifests/workload-images.js';
import { pinnedName } from '../manifests/pin-images.js';
import { ruleFor, type GateRule, type GateRules } from './admission-rules.js';
import { WarmTrust, type WarmOptions, type WarmStatus } from './warm-trust.js';
import { JOIN_MAX_MS, TagChecks, type TagCheckStats, type TagUse } from './tag-checks.js';
import { verifyManifest } from '../verify/verify-image.js';
import { resolveTrust, type ResolvedTrust, type TrustOptions } from '../workflows/resolve-trust.js';
import { ImageSources } from '../workflows/image-sources.js';
import { InconclusiveError, SignetError } from '../errors.js';
import { parseRegistryReference } from '../registry/reference.js';
import type { SignetContext } from '../workflows/context.js';

export interface GateOptions {
  rules: GateRules;
  /** Time allowed for one decision (ms); what is not checked by then is inconclusive. */
  budgetMs: number;
  warm: WarmOptions;
  trust: TrustOptions;
  /** How long /mutate may reuse a tag's manifest fetched earlier in the same trust generation (ms); 0 disables (see tag-checks.ts). */
  tagMemoMs?: number;
}

export type ImageOutcome = 'verified' | 'exempt' | 'denied' | 'audited';

export interface ImageVerdict {
  site: ImageSite;
  rule: GateRule;
  outcome: ImageOutcome;
  digest?: string;
  error?: SignetError;
}

export interface JsonPatchOperation {
  op: 'replace';
  path: string;
  value: string;
}

export interface Decision {
  allowed: boolean;
  /** Why it was denied, naming each refused image and its reason. */
  message?: string;
  warnings: string[];
  patch: JsonPatchOperation[];
  images: ImageVerdict[];
}

/** Verified manifests kept by digest: at most this many, and this many bytes together. */
const MANIFEST_CACHE_MAX = 4096;
const MANIFEST_CACHE_BYTES = 64 << 20;

export class Gate {
  private readonly warm = new Map<string, WarmTrust>();
  private readonly trustCache = new Map<string, { at: number; trust: Promise<ResolvedTrust> }>();
  private readonly sources: ImageSources;
  /**
   * Manifests by digest: content-addressed (the client hashed the bytes), so
   * they never go stale. Only manifests that verified are kept: anyone who
   * may create Pods names the images, and an unsigned manifest from a
   * registry they control must not take the gate's memory.
   */
  private readonly byDigest = new Map<string, Manifest>();
  private byDigestBytes = 0;
  /** Fetches by digest in flight, shared by identical concurrent checks. */
  private readonly digestFlights = new Map<string, { atMs: number; manifest: Promise<Manifest> }>();
  private readonly tags: TagChecks;

  constructor(
    private readonly options: GateOptions,
    private readonly ctx: SignetContext,
    private readonly onRefresh: (location: string, outcome: 'ok' | 'failed', error: SignetError | undefined, ms: number) => void = () => undefined,
  ) {
    this.sources = new ImageSources(ctx.registry);
    this.tags = new TagChecks((ref) => this.fetchManifest(ref), options.tagMemoMs ?? 0, (ref, manifest) => this.keepVerified(ref, manifest));
  }

  /**
   * Decide on `object` (a Pod or workload) created in `namespace`, with `now`
   * as the reference time. `use` is the endpoint: only 'mutate' (which pins
   * what it admits to the verified digest) may use the tag memo.
   */
  async decide(object: unknown, namespace: string, now: Date, use: TagUse = 'validate'): Promise<Decision> {
    const sites = workloadImages(object);
    const deadline = now.getTime() + this.options.budgetMs;
    const checks = new Map<string, Promise<{ digest: string } | { error: SignetError }>>();
    const images = await Promise.all(
      sites.map(async (site): Promise<ImageVerdict> => {
        const rule = ruleFor(this.options.rules, namespace, site.image);
        if (rule.mode === 'exempt') return { site, rule, outcome: 'exempt' };
        let check = checks.get(site.image);
        if (!check) {
          check = withDeadline(this.check(site.image, now, use), deadline, site.image, this.options.budgetMs).then(
            (digest) => ({ digest }),
            (error: unknown) => ({ error: asSignetError(error) }),
          );
          checks.set(site.image, check);
        }
        const result = await check;
        if ('digest' in result) return { site, rule, outcome: 'verified', digest: result.digest };
        const lenient = rule.mode === 'audit' || (result.error.kind === 'inconclusive' && rule.onError === 'audit');
        return { site, rule, outcome: lenient ? 'audited' : 'denied', error: result.error };
      }),
    );
    const denied = images.filter((i) => i.outcome === 'denied');
    const decision: Decision = {
      allowed: denied.length === 0,
      warnings: images.filter((i) => i.outcome === 'audited').map((i) => `signet (audit): ${describe(i)}`),
      patch: images.flatMap((i) => {
        if (i.outcome !== 'verified' || !i.digest) return [];
        const value = pinnedName(i.site.image, i.digest);
        return value === i.site.image ? [] : [{ op: 'replace' as const, path: jsonPointer(i.site.path), value }];
      }),
      images,
    };
    if (denied.length > 0) decision.message = `signet denied ${denied.length} image${denied.length > 1 ? 's' : ''}: ${denied.map(describe).join('; ')}`;
    return decision;
  }

  /** Per trust repository: when it was refreshed, and the earliest expiry of what it trusts. */
  status(): WarmStatus[] {
    return [...this.warm.values()].map((w) => w.status());
  }

  /** Registry fetches by tag, and the checks that shared one or used the memo instead. */
  tagStats(): TagCheckStats {
    return { ...this.tags.stats };
  }

  /** Close every warm session (writing trusted state back). */
  async close(): Promise<void> {
    await Promise.all([...this.warm.values()].map((w) => w.close()));
  }

  /** Verify one image as `signet verify` does; resolves to the verified manifest digest. */
  private async check(image: string, now: Date, use: TagUse): Promise<string> {
    const ref = byDigestWhenPinned(parseRegistryReference(image));
    const trust = await this.trustFor(ref, now.getTime());
    const warm = this.warmFor(trust);
    if (!ref.digest) return (await this.tags.verify(warm, ref, now, use)).digest;
    const manifest = await this.manifestByDigest(ref, now.getTime());
    const verified = await warm.use(now, (session) => verifyManifest(session, ref, manifest));
    this.keepVerified(ref, manifest);
    return verified.digest;
  }

  private manifestByDigest(ref: RegistryReference, nowMs: number): Promise<Manifest> {
    const key = `${ref.registry}/${ref.repository}@${ref.digest}`;
    const cached = this.byDigest.get(key);
    if (cached) return Promise.resolve(cached);
    let flight = this.digestFlights.get(key);
    // A fetch that has hung for longer than JOIN_MAX_MS is not joined: the registry may be back.
    if (!flight || nowMs - flight.atMs > JOIN_MAX_MS) {
      const started = { atMs: nowMs, manifest: this.fetchManifest(ref) };
      this.digestFlights.set(key, started);
      const landed = () => {
        if (this.digestFlights.get(key) === started) this.digestFlights.delete(key);
      };
      started.manifest.then(landed, landed);
      flight = started;
    }
    return flight.manifest;
  }

  /** One registry fetch (the client hashes the bytes it received). */
  private async fetchManifest(ref: RegistryReference): Promise<Manifest> {
    return (await this.sources.for(ref)).getManifest(ref);
  }

  /** Keep a manifest that verified, by digest (a tag's too: /validate then sees the digest /mutate pinned). */
  private keepVerified(ref: RegistryReference, manifest: Manifest): void {
    const key = `${ref.registry}/${ref.repository}@${manifest.digest}`;
    if (this.byDigest.has(key) || manifest.bytes.length > MANIFEST_CACHE_BYTES / 16) return;
    while (this.byDigest.size > 0 && (this.byDigest.size >= MANIFEST_CACHE_MAX || this.byDigestBytes + manifest.bytes.length > MANIFEST_CACHE_BYTES)) {
      const [oldest, dropped] = this.byDigest.entries().next().value!;
      this.byDigest.delete(oldest);
      this.byDigestBytes -= dropped.bytes.length;
    }
    this.byDigest.set(key, manifest);
    this.byDigestBytes += manifest.bytes.length;
  }

  /** The trust repository covering `ref` (the policy is read again once per refresh interval). */
  private trustFor(ref: ImageReference & RegistryReference, nowMs: number): Promise<ResolvedTrust> {
    const key = `${ref.name}\n${ref.registry}\n${ref.repository}`;
    const cached = this.trustCache.get(key);
    if (cached && nowMs - cached.at < this.options.warm.refreshMs) return cached.trust;
    const trust = resolveTrust(ref.name, this.options.trust, this.ctx, { registry: ref.registry, repository: ref.repository });
    this.trustCache.set(key, { at: nowMs, trust });
    trust.catch(() => this.trustCache.delete(key));
    return trust;
  }

  private warmFor(trust: ResolvedTrust): WarmTrust {
    const key = `${trust.store.location}\n${trust.rootPath}\n${trust.scope}`;
    let warm = this.warm.get(key);
    if (!warm) {
      // The trusted state follows the repository's identity (chain + scope), as `signet verify`'s does.
      warm = new WarmTrust({ store: trust.store, pinnedRoot: trust.pinnedRootBytes, home: this.ctx.home, scope: trust.scope }, this.options.warm, (outcome, error, ms) =>
        this.onRefresh(trust.store.location, outcome, error, ms),
      );
      this.warm.set(key, warm);
    }
    return warm;
  }
}

/** `name:tag@sha256:…` runs the digest (the runtime ignores the tag): it is verified by digest. */
function byDigestWhenPinned(ref: RegistryReference): RegistryReference {
  if (!ref.digest || !ref.tag) return ref;
  const { tag: _tag, ...rest } = ref;
  return rest;
}

function describe(verdict: ImageVerdict): string {
  const where = `${verdict.site.owner} ${verdict.site.field === 'containers' ? '' : `${verdict.site.field} `}${verdict.site.container} (${verdict.site.image})`;
  return `${where}: ${verdict.error?.message ?? verdict.outcome}`;
}

function withDeadline<T>(work: Promise<T>, deadline: number, image: string, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InconclusiveError('budget-exceeded', `checking ${image} took longer than the ${budgetMs} ms budget (registry or trust store slow)`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  work.catch(() => undefined); // a late failure after the deadline is not an unhandled rejection
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function asSignetError(error: unknown): SignetError {
  if (error instanceof SignetError) return error;
  return new InconclusiveError('unexpected', `could not check: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
