import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfigText } from "../../../src/config/index.js";
import { BUILD_ONLY, imagesOfEnvironment, pipelinesFor, servicesUsing, watchedBranches } from "../../../src/controller/pipeline-targets.js";
import { routeHints } from "../../../src/controller/hint-router.js";

const yaml = `
registry: localhost:5000/team
sources:
  app: { repo: /srv/git/app.git, branch: develop }
  infra: { repo: "https://git.example.com/team/infra.git", branch: main }
images:
  base: { context: "infra:base" }
  web: { context: "app:", from: base }
environments:
  prod: { branches: [release] }
  test1: { branches: [test.1] }
services:
  site: { image: web, ports: ["8080:80"] }
  tool: { image: busybox:1.36, environments: [prod] }
`;

function config(text = yaml) {
  return parseConfigText(text, { path: "/srv/project/slipway.yml", env: {} }).config;
}

describe("pipeline targets", () => {
  it("starts the pipeline of each environment bound to the pushed branch", () => {
    assert.deepEqual(pipelinesFor(config(), "app", "test.1"), [{ environment: "test1", deploy: true }]);
    assert.deepEqual(pipelinesFor(config(), "infra", "release"), [{ environment: "prod", deploy: true }]);
  });

  it("builds only for a push to a source's own branch that no environment binds", () => {
    assert.deepEqual(pipelinesFor(config(), "app", "develop"), [{ environment: BUILD_ONLY, deploy: false }]);
  });

  it("ignores other branches and unknown sources", () => {
    assert.deepEqual(pipelinesFor(config(), "app", "feature/x"), []);
    assert.deepEqual(pipelinesFor(config(), "nope", "release"), []);
  });

  it("deploys the default environment when none is declared", () => {
    const plain = config(yaml.replace(/environments:\n(?: {2}.*\n)+/, ""));
    assert.deepEqual(pipelinesFor(plain, "app", "develop"), [{ environment: "default", deploy: true }]);
  });

  it("watches each source's branch and every environment's branch", () => {
    assert.deepEqual(watchedBranches(config()), [
      { source: "app", branch: "develop" },
      { source: "app", branch: "release" },
      { source: "app", branch: "test.1" },
      { source: "infra", branch: "main" },
      { source: "infra", branch: "release" },
      { source: "infra", branch: "test.1" },
    ]);
  });

  it("knows which graph images an environment runs and which services use rebuilt images", () => {
    assert.deepEqual(imagesOfEnvironment(config(), "test1"), ["web"]);
    assert.deepEqual(servicesUsing(config(), "prod", new Set(["web"])), ["site"]);
    assert.deepEqual(servicesUsing(config(), "prod", new Set(["base"])), []);
  });
});

describe("hint routing", () => {
  it("matches a push by repository on any branch, and keeps image hints for the updater", () => {
    const routed = routeHints(
      [
        { kind: "git", repo: ["git@git.example.com:team/infra.git", "https://git.example.com/team/infra"], branch: "test.1", commit: "a".repeat(40) },
        { kind: "git", repo: ["https://git.example.com/other/repo.git"], branch: "main" },
        { kind: "image", repository: "localhost:5000/team/web", tag: "qa" },
      ],
      config(),
      "/srv/project",
    );
    assert.deepEqual(routed.pushes, [{ source: "infra", branch: "test.1", commit: "a".repeat(40) }], "the commit the payload names rides along");
    assert.deepEqual(routed.images, [{ repository: "localhost:5000/team/web", tag: "qa" }]);
    assert.equal(routed.ignored.length, 1);
  });
});
