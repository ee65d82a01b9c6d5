import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { details } from "./config-problems.js";

const head = `registry: localhost:5000/org
sources:
  my-docker: { repo: ./d.git }
  infra: { repo: ./i.git }
`;

test("from naming an image that does not exist suggests the image meant", () => {
  const text = `${head}images:\n  infra-dev: { context: "my-docker:infra-dev" }\n  infra-prod: { context: "my-docker:infra-prod", from: infra-dve }\n`;
  assert.deepEqual(details(text), [
    'slipway.yml:7:56: images.infra-prod.from: no image named "infra-dve" in images — did you mean "infra-dev"? (an external image needs its tag, e.g. infra-dve:latest)',
  ]);
});

test("from an external reference is not checked against the images", () => {
  const text = `${head}images:\n  a: { context: "my-docker:a", from: "busybox:1.36" }\n  b: { context: "my-docker:b", from: ghcr.io/x/y }\n`;
  assert.equal(Object.keys(parseConfigText(text, {}).config.images).length, 2);
});

test("a context or a seal naming a source that does not exist is refused at that value", () => {
  const text = `${head}images:\n  a:\n    context: "my-dockr:a"\n    seal: { src: infra, lib: app1 }\n`;
  assert.deepEqual(details(text), [
    'slipway.yml:7:14: images.a.context: no source named "my-dockr" in sources — did you mean "my-docker"?',
    'slipway.yml:8:30: images.a.seal.lib: no source named "app1" in sources (defined: my-docker, infra)',
  ]);
});

test("images built on each other in a cycle are refused", () => {
  const text = `${head}images:\n  a: { context: "my-docker:a", from: b }\n  b: { context: "my-docker:b", from: a }\n`;
  const lines = details(text);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? "", /images\.a\.from: images build on each other in a cycle: a -> b -> a/);
});

test("jobs name images and environments that exist", () => {
  const text = `${head}images:\n  app1-prod: { context: "my-docker:app1" }\nenvironments:\n  prod: { branches: [release] }\njobs:\n  nightly:\n    image: app1-prd\n    schedule: "0 3 * * *"\n    command: [run]\n    environment: prd\n`;
  assert.deepEqual(details(text), [
    'slipway.yml:11:12: jobs.nightly.image: no image named "app1-prd" in images — did you mean "app1-prod"?',
    'slipway.yml:14:18: jobs.nightly.environment: no environment named "prd" in environments — did you mean "prod"?',
  ]);
});

test("a service naming an image that looks like one of the file's but is not there is refused", () => {
  const text = `${head}images:\n  web: { context: "my-docker:web" }\nservices:\n  site: { image: wbe }\n`;
  const lines = details(text);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? "", /^slipway\.yml:8:18: services\.site\.image: no image named "wbe" in images — did you mean "web"\?/);
});

test("images without a registry and without a repository have nowhere to go", () => {
  const text = `sources:\n  s: { repo: ./s.git }\nimages:\n  a: { context: "s:a" }\n  b: { context: "s:b", repository: "r.example.com/x/b" }\n`;
  assert.deepEqual(details(text), ["slipway.yml:4:3: images.a: no registry to push to: set registry: at the top, or repository: on this image"]);
});

test("an environment named like an image version is refused: its name becomes a tag of every image built for it", () => {
  const text = `${head}environments:\n  deadbeef: {}\n  fp-staging: {}\n  prod: {}\n`;
  assert.deepEqual(details(text), [
    'slipway.yml:6:3: environments.deadbeef: the environment name "deadbeef" reads as a sha tag; each environment\'s builds are tagged with its name (my-org/app:deadbeef), so choose a name that is not an image version',
    'slipway.yml:7:3: environments.fp-staging: the environment name "fp-staging" reads as a fingerprint tag; each environment\'s builds are tagged with its name (my-org/app:fp-staging), so choose a name that is not an image version',
  ]);
});
