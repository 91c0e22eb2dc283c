// `signet admission serve`: run the admission webhook until SIGTERM/SIGINT.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { registryOptionsFrom, withRegistryOptions, type RegistryCommandOptions } from '../../registry-options.js';
import { examples, withTrustOptions } from '../../options.js';
import { UsageError } from '../../../errors.js';
import { parseMillis } from './durations.js';

interface ServeCommandOptions extends CommonOptions, RegistryCommandOptions {
  listen: string;
  cert?: string;
  key?: string;
  config?: string;
  budget: string;
  refreshInterval: string;
  certPoll: string;
  tagMemo: string;
  trustRepo?: string;
  root?: string;
}

export function registerAdmissionServe(admission: Command, cli: CliRuntime): void {
  const command = admission
    .command('serve')
    .description('serve the validating (/validate) and mutating (/mutate) webhooks over HTTPS, with /healthz, /readyz and /metrics')
    .requiredOption('--cert <file>', 'PEM serving certificate (reloaded when the file changes)')
    .requiredOption('--key <file>', 'PEM private key of the certificate (reloaded with it)')
    .option('--listen <host:port>', 'address to listen on', '0.0.0.0:8443')
    .option('--config <file>', 'rules per namespace and image: enforce, audit or exempt, and onError deny|audit (YAML or JSON; default: enforce everything, deny on error)')
    .option('--budget <duration>', 'time allowed per decision; an image not checked by then is inconclusive (denied unless its rule says onError: audit)', '2s')
    .option('--refresh-interval <duration>', 'refresh each trust repository at most this often (sooner when its metadata nears expiry)', '60s')
    .option('--cert-poll <duration>', 'how often to look for a rotated certificate', '2s')
    .option('--tag-memo <duration>', '/mutate only: reuse the manifest a tag named this recently (same trust refresh, verified again, then pinned by digest) instead of asking the registry again; 0 disables', '5s');
  withRegistryOptions(withTrustOptions(command));
  command.addHelpText(
    'after',
    '\nEvery image of a Pod, or of the pod template of a Deployment, ReplicaSet, StatefulSet, DaemonSet, Job or CronJob\n' +
      '(containers, initContainers, ephemeralContainers), is verified exactly as `signet verify` does, against the trust\n' +
      'policy ($SIGNET_HOME/policy.json or --policy). Images no policy covers are denied. /mutate also rewrites each\n' +
      'verified image to name@sha256:… with a JSONPatch. Identical checks running at once share one registry fetch;\n' +
      '/mutate may reuse a tag\'s manifest for --tag-memo (it pins the Pod to that verified digest; /validate never\n' +
      'reuses one). Logs are JSON lines on stderr.',
  );
  examples(command, [
    'signet admission serve --cert tls.crt --key tls.key',
    'signet admission serve --cert /tls/tls.crt --key /tls/tls.key --policy /etc/signet/policy.json --config /etc/signet/admission.yaml',
    'signet admission serve --cert tls.crt --key tls.key --listen 127.0.0.1:8443 --budget 500ms --refresh-interval 30s',
    'signet admission serve --cert tls.crt --key tls.key --tag-memo 0',
    'printf "rules:\\n- {namespace: dev-*, mode: audit}\\n- {image: \'reg.example.com/tools/**\', onError: audit}\\n" > admission.yaml',
  ]);
  command.action(async (options: ServeCommandOptions) => {
    const [{ Gate }, { startAdmissionServer }, { GateMetrics }, { readRules }] = await Promise.all([
      import('../../../admission/gate.js'),
      import('../../../admission/server.js'),
      import('../../../admission/metrics.js'),
      import('../../../admission/admission-rules.js'),
    ]);
    const match = /^(.*):(\d+)$/.exec(options.listen);
    if (!match) throw new UsageError('bad-option', `--listen ${options.listen}: expected host:port`);
    const budgetMs = parseMillis(options.budget, '--budget');
    const refreshMs = parseMillis(options.refreshInterval, '--refresh-interval');
    const tagMemoMs = parseMillis(options.tagMemo, '--tag-memo', { zero: true });
    const rules = options.config ? await readRules(resolve(cli.io.cwd, options.config)) : { rules: [] };
    const ctx = cli.context(options);
    ctx.registry = await registryOptionsFrom(cli.io, options);
    const log = (record: Record<string, unknown>) => cli.io.err(JSON.stringify({ time: new Date().toISOString(), ...record }) + '\n');
    ctx.log = (line) => log({ level: 'info', msg: line });
    const metrics = new GateMetrics();
    const trust: { trustRepo?: string; root?: string } = {};
    if (options.trustRepo) trust.trustRepo = options.trustRepo;
    if (options.root) trust.root = options.root;
    const gate = new Gate(
      { rules, budgetMs, trust, tagMemoMs, warm: { refreshMs, expiryMarginMs: Math.min(refreshMs, 5 * 60_000), retryMs: Math.min(refreshMs, 2000) } },
      ctx,
      (location, outcome, error, ms) => {
        if (outcome === 'ok') return log({ level: 'info', msg: 'trust refreshed', repository: location, ms });
        metrics.refreshFailed(location);
        log({ level: 'warn', msg: 'trust refresh failed', repository: location, ms, code: error?.code, reason: error?.message });
      },
    );
    const server = await startAdmissionServer({
      host: match[1]!.replace(/^\[(.*)\]$/, '$1'),
      port: Number(match[2]),
      certFile: resolve(cli.io.cwd, options.cert!),
      keyFile: resolve(cli.io.cwd, options.key!),
      gate,
      metrics,
      log,
      certPollMs: parseMillis(options.certPoll, '--cert-poll'),
    });
    log({ level: 'info', msg: 'listening', address: match[1], port: server.port, rules: rules.rules.length, budgetMs, refreshMs, tagMemoMs });
    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        log({ level: 'info', msg: `${signal}: draining and writing trusted state back` });
        server.close().then(() => {
          log({ level: 'info', msg: 'stopped' });
          done();
        }, done);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  });
}
