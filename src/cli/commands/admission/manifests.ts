// `signet admission manifests`: print the objects that install the gate.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime } from '../../runtime.js';
import { examples } from '../../options.js';
import { readFileBounded } from '../../../store/atomic-file.js';
import { UsageError } from '../../../errors.js';
import { LIMITS } from '../../../limits.js';
import { parseMillis } from './durations.js';

interface ManifestsOptions {
  namespace: string;
  name: string;
  image: string;
  caBundle?: string;
  timeout: string;
  budget: string;
  replicas: string;
}

export function registerAdmissionManifests(admission: Command, cli: CliRuntime): void {
  const command = admission
    .command('manifests')
    .description('print the Namespace, ServiceAccount, Deployment, Service and both webhook configurations (failurePolicy: Fail) as YAML')
    .requiredOption('--image <ref>', 'the signet container image to run (pin it: name@sha256:…)')
    .option('--namespace <ns>', "the gate's own namespace (excluded from the webhooks)", 'signet-system')
    .option('--name <name>', 'name of the Deployment, Service and webhook configurations', 'signet-admission')
    .option('--ca-bundle <file>', 'PEM CA that signed the serving certificate (omit when cert-manager injects it)')
    .option('--timeout <seconds>', 'webhook timeoutSeconds the API server applies (1-30)', '5')
    .option('--budget <duration>', "the gate's own decision budget (below the timeout)", '3s')
    .option('--replicas <n>', 'replicas of the gate', '2');
  command.addHelpText(
    'after',
    "\nThe Deployment mounts the TLS Secret <name>-tls and a ConfigMap <name>-config holding policy.json, the pinned\nroots it names and admission.yaml (rules).",
  );
  examples(command, [
    'signet admission manifests --image registry.example.com/signet@sha256:<digest> > signet-admission.yaml',
    'signet admission manifests --image registry.example.com/signet@sha256:<digest> --ca-bundle ca.crt --timeout 10 | kubectl apply -f -',
  ]);
  command.action(async (options: ManifestsOptions) => {
    const timeoutSeconds = Number(options.timeout);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 30) throw new UsageError('bad-option', '--timeout must be 1 to 30 seconds (the API server caps it at 30)');
    const budgetMs = parseMillis(options.budget, '--budget');
    if (budgetMs >= timeoutSeconds * 1000) throw new UsageError('bad-option', `--budget ${options.budget} must be below --timeout ${timeoutSeconds}s, or the API server gives up before the gate answers`);
    const replicas = Number(options.replicas);
    if (!Number.isInteger(replicas) || replicas < 1) throw new UsageError('bad-option', '--replicas must be a positive integer');
    const { installManifests } = await import('../../../admission/install-manifests.js');
    const install: Parameters<typeof installManifests>[0] = { namespace: options.namespace, name: options.name, image: options.image, timeoutSeconds, budgetMs, replicas };
    if (options.caBundle) {
      const pem = await readFileBounded(resolve(cli.io.cwd, options.caBundle), LIMITS.configFileBytes);
      if (pem === undefined) throw new UsageError('bad-option', `--ca-bundle ${options.caBundle} does not exist`);
      install.caBundlePem = pem.toString('utf8');
    }
    cli.io.out(installManifests(install));
  });
}
