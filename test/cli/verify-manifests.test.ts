// `signet verify -f` over deploy manifests against a real registry: every
// image in Kubernetes YAML (Helm-style multi-document, Kustomize output)
// and Compose files verified in one call; `--pin` rewrites only the image
// values, and only when every image verified.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { startRegistry, run, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage, type BuiltImage } from '../support/oci-images.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { KUBECTL, kubectlCronJob, kubectlDeployment } from '../support/kubectl.js';
import { stringify } from 'yaml';

let reg: RegistryServer;
let s: SignetEnv;
const images = new Map<string, BuiltImage>();
const ref = (path: string) => `${reg.host}/${path}`;

beforeAll(async () => {
  [reg, s] = await Promise.all([startRegistry(), makeSignetEnv()]);
  const client = new RegistryClient();
  for (const [repo, tag] of [['team/web', '1.0'], ['team/migrate', '2.0'], ['team/unsigned', '1.0']] as const) {
    const image = buildImage(`${repo}:${tag}`);
    images.set(`${repo}:${tag}`, image);
    await pushImage(client, { registry: reg.host, repository: repo }, tag, image);
  }
  await client.close();
  const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/*']);
  expect(init.code, init.stderr).toBe(0);
  const sign = await s.cli(['sign', ref('team/web:1.0'), ref('team/migrate:2.0')]);
  expect(sign.code, sign.stderr).toBe(0);
});
afterAll(async () => {
  await Promise.all([reg?.stop(), s?.cleanup()]);
});

const digestOf = (key: string) => images.get(key)!.descriptor.digest;

async function helmLikeFile(name: string, initImage: string): Promise<string> {
  const deployment = await kubectlDeployment('web', [ref('team/web:1.0')]);
  (deployment['spec'] as { template: { spec: Record<string, unknown> } }).template.spec['initContainers'] = [{ name: 'migrate', image: initImage }];
  const text = `# Source: chart/templates/deployment.yaml\n---\n${stringify(deployment)}---\n# Source: chart/templates/cron.yaml\n${stringify(await kubectlCronJob('nightly', ref('team/web:1.0')))}`;
  const path = join(s.dir, name);
  await writeFile(path, text);
  return path;
}

describe('signet verify -f with Kubernetes YAML and Compose files', () => {
  it('verifies every image of both files in one call and names where each is', async () => {
    const deploy = await helmLikeFile('deploy.yaml', ref('team/migrate:2.0'));
    await writeFile(join(s.dir, 'compose.yaml'), `services:\n  web:\n    image: ${ref('team/web:1.0')}  # the app\n`);
    const out = await s.cli(['verify', '-f', deploy, '-f', 'compose.yaml']);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`deploy.yaml:\\d+ Deployment/web migrate: ${ref('team/migrate:2.0')} → ${ref('team/migrate')}@${digestOf('team/migrate:2.0')}`));
    expect(lines[3]).toBe(`compose.yaml:3 compose/web web: ${ref('team/web:1.0')} → ${ref('team/web')}@${digestOf('team/web:1.0')}`);
  });

  it('--pin rewrites the files with the verified digests, changing nothing else, and the pinned files verify', async () => {
    const deploy = await helmLikeFile('pin.yaml', ref('team/migrate:2.0'));
    const before = await readFile(deploy, 'utf8');
    const out = await s.cli(['verify', '-f', deploy, '--pin']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toBe(`pinned ${deploy}\n`);
    const after = await readFile(deploy, 'utf8');
    const expected = before
      .replaceAll(ref('team/web:1.0'), `${ref('team/web')}@${digestOf('team/web:1.0')}`)
      .replaceAll(ref('team/migrate:2.0'), `${ref('team/migrate')}@${digestOf('team/migrate:2.0')}`);
    expect(after).toBe(expected);
    const again = await s.cli(['verify', '-f', deploy, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { images: unknown[] }).images).toHaveLength(3);
  });

  it('interpolates Compose variables (environment first, then .env), and --pin keeps them, appending the digest', async () => {
    const project = join(s.dir, 'compose-vars');
    await mkdir(project);
    const file = join(project, 'compose.yaml');
    await writeFile(file, 'services:\n  web:\n    image: "${REGISTRY}/team/web:${TAG:-0.0}"\n  jobs:\n    image: $REGISTRY/team/migrate:2.0\n');
    await writeFile(join(project, '.env'), `# pinned by the release\nREGISTRY=wrong.example.com\nTAG=1.0\n`);
    const env = { REGISTRY: reg.host };
    const out = await s.cli(['verify', '-f', file, '--json'], { env });
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout) as { images: Array<{ image: string; digest: string }> };
    expect(report.images.map((i) => [i.image, i.digest])).toEqual([
      [ref('team/web:1.0'), digestOf('team/web:1.0')],
      [ref('team/migrate:2.0'), digestOf('team/migrate:2.0')],
    ]);
    const pinned = await s.cli(['verify', '-f', file, '--pin'], { env });
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(
      `services:\n  web:\n    image: "\${REGISTRY}/team/web:\${TAG:-0.0}@${digestOf('team/web:1.0')}"\n  jobs:\n    image: $REGISTRY/team/migrate:2.0@${digestOf('team/migrate:2.0')}\n`,
    );
    const again = await s.cli(['verify', '-f', file, '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
  });

  it('refuses a Compose image whose variable is not set (exit 2), where compose would use an empty string', async () => {
    const file = join(s.dir, 'compose-unset.yaml');
    await writeFile(file, 'services:\n  web:\n    image: ${UNSET_REGISTRY_FOR_TEST}/team/web:1.0\n');
    const out = await s.cli(['verify', '-f', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/compose-unset\.yaml:3 compose\/web: UNSET_REGISTRY_FOR_TEST is not set/);
  });

  it('with --bundle, reads the trust metadata from the air-gap bundle, not the store (it was ignored with -f)', async () => {
    const bundle = join(s.dir, 'web-bundle.tar');
    const made = await s.cli(['bundle', 'create', '--out', bundle, ref('team/web:1.0')]);
    expect(made.code, made.stderr).toBe(0);
    const file = join(s.dir, 'compose-bundle.yaml');
    await writeFile(file, `services:\n  web:\n    image: ${ref('team/web:1.0')}\n`);
    await rename(join(s.dir, 'trust'), join(s.dir, 'trust-away'));
    try {
      const withoutBundle = await s.cli(['verify', '-f', file]);
      expect(withoutBundle.code, withoutBundle.stderr).not.toBe(0);
      const withBundle = await s.cli(['verify', '-f', file, '--bundle', bundle]);
      expect(withBundle.code, withBundle.stderr).toBe(0);
      expect(withBundle.stdout).toContain(digestOf('team/web:1.0'));
    } finally {
      await rename(join(s.dir, 'trust-away'), join(s.dir, 'trust'));
    }
  });

  it('refuses an unsigned init container with exit 1, naming it, and pins nothing', async () => {
    const deploy = await helmLikeFile('unsigned.yaml', ref('team/unsigned:1.0'));
    const before = await readFile(deploy, 'utf8');
    const out = await s.cli(['verify', '-f', deploy, '--pin']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/unsigned.yaml:\d+ Deployment\/web initContainers migrate: .*team\/unsigned:1.0 is not signed/);
    expect(out.stderr).toMatch(/nothing was pinned/);
    expect(await readFile(deploy, 'utf8')).toBe(before);
  });

  it('reads Kustomize output on stdin and prints the pinned manifest for kubectl apply -f -', async () => {
    const base = join(s.dir, 'kustomize');
    await mkdir(base, { recursive: true });
    await writeFile(join(base, 'deployment.yaml'), stringify(await kubectlDeployment('web', [ref('team/web:0.9')])));
    // The overlay sets the tag, as a release pipeline would.
    await writeFile(join(base, 'kustomization.yaml'), `resources: [deployment.yaml]\nimages:\n- name: ${ref('team/web')}\n  newTag: "1.0"\n`);
    const rendered = await run(KUBECTL, ['kustomize', base]);
    expect(rendered).toContain(ref('team/web:1.0'));
    const out = await s.cli(['verify', '-f', '-', '--pin'], { stdin: rendered });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(rendered.replace(ref('team/web:1.0'), `${ref('team/web')}@${digestOf('team/web:1.0')}`));
  });

  it('reports a registry that is down as inconclusive (exit 3)', async () => {
    await writeFile(join(s.dir, 'down.yaml'), `kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: "127.0.0.1:9/team/web:1.0"}\n`);
    const out = await s.cli(['verify', '-f', 'down.yaml']);
    expect(out.code, out.stderr).toBe(3);
    expect(out.stderr).toMatch(/down.yaml:5 Pod\/p containers a:/);
  });

  it('needs --file for --pin', async () => {
    const out = await s.cli(['verify', ref('team/web:1.0'), '--pin']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--pin rewrites manifests: give them with --file/);
  });
});
