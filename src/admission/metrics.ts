// Prometheus text exposition for the deploy gate: decisions by outcome,
// decision latency, images by verdict, trust refreshes and failures, and
// the earliest expiry of the metadata each warm session trusts, and how
// tag checks reached the registry (fetched, joined a fetch, memo).

import type { WarmStatus } from './warm-trust.js';
import type { TagCheckStats } from './tag-checks.js';

const BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class GateMetrics {
  private readonly decisions = new Map<string, number>();
  private readonly images = new Map<string, number>();
  private readonly refreshFailures = new Map<string, number>();
  private readonly buckets = new Array<number>(BUCKETS_SECONDS.length).fill(0);
  private count = 0;
  private sum = 0;

  /** One answered AdmissionReview: `endpoint` validate|mutate, `outcome` allowed|denied|audited|error. */
  decision(endpoint: string, outcome: string, seconds: number): void {
    inc(this.decisions, `endpoint="${endpoint}",outcome="${outcome}"`);
    this.count++;
    this.sum += seconds;
    BUCKETS_SECONDS.forEach((bound, i) => {
      if (seconds <= bound) this.buckets[i]!++;
    });
  }

  image(verdict: string): void {
    inc(this.images, `verdict="${verdict}"`);
  }

  refreshFailed(location: string): void {
    inc(this.refreshFailures, `repository="${escape(location)}"`);
  }

  render(status: WarmStatus[], tags: TagCheckStats = { fetched: 0, joined: 0, remembered: 0 }): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, values: Map<string, number>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of values) lines.push(`${name}{${labels}} ${value}`);
    };
    counter('signet_admission_decisions_total', 'AdmissionReviews answered, by endpoint and outcome.', this.decisions);
    counter('signet_admission_images_total', 'Images checked, by verdict (verified, denied, audited, exempt).', this.images);
    counter('signet_trust_refresh_failures_total', 'Failed TUF refreshes, by trust repository.', this.refreshFailures);
    const byTag = new Map([['how="fetched"', tags.fetched], ['how="joined"', tags.joined], ['how="memo"', tags.remembered]]);
    counter('signet_admission_tag_checks_total', 'Image checks by tag, by how the manifest was had: fetched from the registry, joined a fetch in flight, or the /mutate memo.', byTag);
    lines.push('# HELP signet_admission_decision_seconds Time to decide one AdmissionReview.', '# TYPE signet_admission_decision_seconds histogram');
    BUCKETS_SECONDS.forEach((bound, i) => lines.push(`signet_admission_decision_seconds_bucket{le="${bound}"} ${this.buckets[i]}`));
    lines.push(`signet_admission_decision_seconds_bucket{le="+Inf"} ${this.count}`, `signet_admission_decision_seconds_sum ${this.sum}`, `signet_admission_decision_seconds_count ${this.count}`);
    lines.push('# HELP signet_trust_refreshes_total Successful TUF refreshes, by trust repository.', '# TYPE signet_trust_refreshes_total counter');
    for (const s of status) lines.push(`signet_trust_refreshes_total{repository="${escape(s.location)}"} ${s.refreshes}`);
    lines.push('# HELP signet_trust_metadata_expiry_timestamp_seconds Earliest expiry among the roles a warm session trusts.', '# TYPE signet_trust_metadata_expiry_timestamp_seconds gauge');
    for (const s of status) if (s.earliestExpiry) lines.push(`signet_trust_metadata_expiry_timestamp_seconds{repository="${escape(s.location)}"} ${Math.floor(s.earliestExpiry.getTime() / 1000)}`);
    return lines.join('\n') + '\n';
  }
}

function inc(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function escape(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
