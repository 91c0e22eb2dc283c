// Finding images in deploy files and pinning them: every workload kind kubectl
// makes, Compose services, and `--pin` edits that change the image values
// and not one other byte (comments, quoting, order, documents).

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { manifestImages } from '../../src/manifests/manifest-file.js';
import { pinImages, pinnedName } from '../../src/manifests/pin-images.js';
import { workloadImages, jsonPointer } from '../../src/manifests/workload-images.js';
import { kubectlCronJob, kubectlDeployment, kubectlFromTemplate, kubectlJob, kubectlPod, withExtraContainer } from '../support/kubectl.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('images of every workload kind kubectl makes', () => {
  it('finds containers, initContainers and ephemeralContainers with their JSON paths', async () => {
    const objects = [
      withExtraContainer(await kubectlPod('p', ['reg/app:1']), 'ephemeralContainers', 'debug', 'reg/debug:1'),
      withExtraContainer(await kubectlDeployment('d', ['reg/app:1', 'reg/side:1']), 'initContainers', 'init', 'reg/init:1'),
      await kubectlFromTemplate('ReplicaSet', 'rs', ['reg/app:1']),
      await kubectlFromTemplate('StatefulSet', 'ss', ['reg/app:1']),
      await kubectlFromTemplate('DaemonSet', 'ds', ['reg/app:1']),
      await kubectlJob('j', 'reg/app:1'),
      await kubectlCronJob('c', 'reg/app:1'),
    ];
    const found = objects.map((o) => workloadImages(o).map((s) => `${s.owner} ${s.field} ${s.image} ${jsonPointer(s.path)}`));
    expect(found).toEqual([
      ['Pod/p containers reg/app:1 /spec/containers/0/image', 'Pod/p ephemeralContainers reg/debug:1 /spec/ephemeralContainers/0/image'],
      [
        'Deployment/d initContainers reg/init:1 /spec/template/spec/initContainers/0/image',
        'Deployment/d containers reg/app:1 /spec/template/spec/containers/0/image',
        'Deployment/d containers reg/side:1 /spec/template/spec/containers/1/image',
      ],
      ['ReplicaSet/rs containers reg/app:1 /spec/template/spec/containers/0/image'],
      ['StatefulSet/ss containers reg/app:1 /spec/template/spec/containers/0/image'],
      ['DaemonSet/ds containers reg/app:1 /spec/template/spec/containers/0/image'],
      ['Job/j containers reg/app:1 /spec/template/spec/containers/0/image'],
      ['CronJob/c containers reg/app:1 /spec/jobTemplate/spec/template/spec/containers/0/image'],
    ]);
  });

  it('reads a kind: List (kubectl get -o yaml) item by item', async () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [await kubectlJob('j', 'reg/a:1'), await kubectlDeployment('d', ['reg/b:1'])] };
    expect(workloadImages(list).map((s) => jsonPointer(s.path))).toEqual(['/items/0/spec/template/spec/containers/0/image', '/items/1/spec/template/spec/containers/0/image']);
  });
});

const MULTI = `# rendered by helm
---
apiVersion: v1
kind: Service   # no images here
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: "127.0.0.1:5000/team/migrate:2.0"   # quoted
      containers:
        - name: web
          image: 127.0.0.1:5000/team/web:1.0 # plain
        - {name: side, image: '127.0.0.1:5000/team/side@${DIGEST}'}
---
kind: CronJob
apiVersion: batch/v1
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - image: 127.0.0.1:5000/team/web:1.0
            name: job
`;

describe('a multi-document YAML file (Helm output)', () => {
  it('lists each image with its line, workload and container', () => {
    const images = manifestImages('deploy.yaml', MULTI);
    expect(images.map((i) => [i.line, i.owner, i.field, i.container, i.image])).toEqual([
      [16, 'Deployment/web', 'initContainers', 'migrate', '127.0.0.1:5000/team/migrate:2.0'],
      [19, 'Deployment/web', 'containers', 'web', '127.0.0.1:5000/team/web:1.0'],
      [20, 'Deployment/web', 'containers', 'side', `127.0.0.1:5000/team/side@${DIGEST}`],
      [31, 'CronJob/nightly', 'containers', 'job', '127.0.0.1:5000/team/web:1.0'],
    ]);
  });

  it('pins by rewriting only the image values, keeping quotes and comments', () => {
    const images = manifestImages('deploy.yaml', MULTI);
    const pinned = pinImages(MULTI, images.map((image) => ({ image, pinned: pinnedName(image.image, DIGEST) })));
    // (the side container was already pinned to this digest: its line is rewritten to the same bytes)
    const before = MULTI.split('\n');
    const after = pinned.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[i + 1, after[i]]]));
    expect(changed).toEqual([
      [16, `          image: "127.0.0.1:5000/team/migrate@${DIGEST}"   # quoted`],
      [19, `          image: 127.0.0.1:5000/team/web@${DIGEST} # plain`],
      [31, `          - image: 127.0.0.1:5000/team/web@${DIGEST}`],
    ]);
    // And the result still parses to the same images, pinned.
    expect(manifestImages('deploy.yaml', pinned).map((i) => i.image.endsWith(DIGEST))).toEqual([true, true, true, true]);
  });

  it('reads kubectl JSON output and pins it as valid JSON', async () => {
    const text = JSON.stringify(await kubectlDeployment('web', ['127.0.0.1:5000/team/web:1.0']), null, 4);
    const [image] = manifestImages('web.json', text);
    const pinned = pinImages(text, [{ image: image!, pinned: pinnedName(image!.image, DIGEST) }]);
    expect(JSON.parse(pinned).spec.template.spec.containers[0].image).toBe(`127.0.0.1:5000/team/web@${DIGEST}`);
  });

  it('refuses a file that is not YAML, naming the document and line', () => {
    expect(() => manifestImages('bad.yaml', 'kind: Pod\n---\nspec: [unclosed\n')).toThrow(/bad.yaml: document 2 is not valid YAML \(line \d\)/);
  });
});

describe('a Compose file', () => {
  const COMPOSE = `services:
  web:
    image: &web 127.0.0.1:5000/team/web:1.0
    ports: ["8080:80"]
  worker:
    image: *web   # same image through an alias
  db:
    build: ./db
`;
  it('finds services.*.image, following aliases to the anchored value, and pins it once', () => {
    const images = manifestImages('compose.yaml', COMPOSE);
    expect(images.map((i) => [i.owner, i.image, i.line])).toEqual([
      ['compose/web', '127.0.0.1:5000/team/web:1.0', 3],
      ['compose/worker', '127.0.0.1:5000/team/web:1.0', 3],
    ]);
    const pinned = pinImages(COMPOSE, images.map((image) => ({ image, pinned: pinnedName(image.image, DIGEST) })));
    expect(pinned).toBe(COMPOSE.replace('127.0.0.1:5000/team/web:1.0', `127.0.0.1:5000/team/web@${DIGEST}`));
  });

  it('does not take a Kubernetes object with a services field for Compose', () => {
    expect(manifestImages('x.yaml', stringify({ kind: 'Pod', services: { a: { image: 'x' } }, spec: { containers: [{ name: 'a', image: 'reg/a:1' }] } })).map((i) => i.image)).toEqual(['reg/a:1']);
  });
});

describe('pinnedName', () => {
  it('keeps the name as written and replaces tag and digest', () => {
    expect(pinnedName('nginx:1.25', DIGEST)).toBe(`nginx@${DIGEST}`);
    expect(pinnedName('127.0.0.1:5000/team/app', DIGEST)).toBe(`127.0.0.1:5000/team/app@${DIGEST}`);
    expect(pinnedName(`reg:5000/app:1.0@sha256:${'00'.repeat(32)}`, DIGEST)).toBe(`reg:5000/app@${DIGEST}`);
  });
});
