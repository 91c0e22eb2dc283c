// `signet admission serve|manifests`: the Kubernetes deploy gate.

import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { registerAdmissionServe } from './serve.js';
import { registerAdmissionManifests } from './manifests.js';

export function registerAdmission(program: Command, cli: CliRuntime): void {
  const admission = program
    .command('admission')
    .description('the Kubernetes deploy gate: an admission webhook that admits only verified images and pins them by digest');
  registerAdmissionServe(admission, cli);
  registerAdmissionManifests(admission, cli);
}
