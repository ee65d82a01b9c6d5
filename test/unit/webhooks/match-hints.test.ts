import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gitRepoKey, imagesForHint, matchHints, sourcesForHint, type GitHint } from "../../../src/webhooks/index.js";

const configDir = "/srv/app";
const sources = {
  app1: { repo: "git@github.com:my-org/app1.git", branch: "test.1" },
  "app1-prod": { repo: "https://github.com/My-Org/app1", branch: "release" },
  infra: { repo: "ssh://git@gitlab.example.com:2222/ops/infra.git", branch: "develop" },
  local: { repo: "../repos/local-app", branch: "main" },
  other: { repo: "https://github.com/my-org/app10.git", branch: "test.1" },
};

const githubHint = (branch: string): GitHint => ({
  kind: "git",
  repo: ["https://github.com/my-org/app1.git", "git@github.com:my-org/app1.git", "https://github.com/my-org/app1"],
  branch,
});

describe("git hints to sources", () => {
  it("match ssh and https forms of one repository on the pushed branch only", () => {
    assert.deepEqual(sourcesForHint(githubHint("test.1"), sources, configDir), ["app1"]);
    assert.deepEqual(sourcesForHint(githubHint("release"), sources, configDir), ["app1-prod"]);
    assert.deepEqual(sourcesForHint(githubHint("main"), sources, configDir), []);
  });

  it("match a self-hosted forge whose ssh port differs from its web address", () => {
    const hint: GitHint = { kind: "git", repo: ["https://gitlab.example.com/ops/infra.git"], branch: "develop" };
    assert.deepEqual(sourcesForHint(hint, sources, configDir), ["infra"]);
  });

  it("resolve relative paths and file:// URLs against the config directory", () => {
    const hint: GitHint = { kind: "git", repo: ["file:///srv/repos/local-app/"], branch: "main" };
    assert.deepEqual(sourcesForHint(hint, sources, configDir), ["local"]);
    assert.deepEqual(sourcesForHint({ ...hint, repo: ["/srv/repos/local-app"] }, sources, configDir), ["local"]);
    assert.deepEqual(sourcesForHint({ ...hint, repo: ["/srv/repos/local-app2"] }, sources, configDir), []);
  });

  it("match a named source (generic webhook) on its own branch, or the named one", () => {
    assert.deepEqual(sourcesForHint({ kind: "git", repo: [], source: "infra" }, sources, configDir), ["infra"]);
    assert.deepEqual(sourcesForHint({ kind: "git", repo: [], source: "infra", branch: "main" }, sources, configDir), []);
    assert.deepEqual(sourcesForHint({ kind: "git", repo: [], source: "nope" }, sources, configDir), []);
  });

  it("normalize repository addresses to one key", () => {
    const key = "github.com/my-org/app1";
    for (const form of [
      "https://github.com/my-org/app1.git",
      "https://user:token@github.com/my-org/app1.git",
      "ssh://git@github.com/my-org/app1.git",
      "git@github.com:my-org/app1.git",
      "git@github.com:my-org/app1.git/",
      "git://github.com/my-org/app1",
      "https://GitHub.com/My-Org/App1",
    ]) {
      assert.equal(gitRepoKey(form, configDir), key, form);
    }
    assert.equal(gitRepoKey("repos/x", configDir), "file:/srv/app/repos/x");
    assert.equal(gitRepoKey("file:///srv/app/repos/x", configDir), "file:/srv/app/repos/x");
    assert.equal(gitRepoKey("", configDir), undefined);
    assert.equal(gitRepoKey("https://github.com/", configDir), undefined);
  });
});

describe("image hints to watched images", () => {
  const watched = ["my-org/foo:qa", "docker.io/my-org/foo:prod", "nginx:1.27", "localhost:5000/my-org/app1-prod", "127.0.0.1:5000/app:latest", "Not Valid"];

  it("match Docker Hub names in every form, by tag", () => {
    assert.deepEqual(imagesForHint({ kind: "image", repository: "my-org/foo", tag: "qa" }, watched), ["my-org/foo:qa"]);
    assert.deepEqual(imagesForHint({ kind: "image", repository: "index.docker.io/my-org/foo", tag: "prod" }, watched), ["docker.io/my-org/foo:prod"]);
    assert.deepEqual(imagesForHint({ kind: "image", repository: "docker.io/library/nginx", tag: "1.27" }, watched), ["nginx:1.27"]);
    assert.deepEqual(imagesForHint({ kind: "image", repository: "library/nginx", tag: "1.26" }, watched), []);
  });

  it("match every tag of a repository watched without a tag, and every watched tag for a push with none", () => {
    assert.deepEqual(imagesForHint({ kind: "image", repository: "localhost:5000/my-org/app1-prod", tag: "20180923T082316Z" }, watched), [
      "localhost:5000/my-org/app1-prod",
    ]);
    assert.deepEqual(imagesForHint({ kind: "image", repository: "my-org/foo" }, watched), ["my-org/foo:qa", "docker.io/my-org/foo:prod"]);
  });

  it("tell registries apart by host and port", () => {
    assert.deepEqual(imagesForHint({ kind: "image", repository: "localhost:5001/my-org/app1-prod", tag: "x" }, watched), []);
    assert.deepEqual(imagesForHint({ kind: "image", repository: "127.0.0.1:5000/app", tag: "latest" }, watched), ["127.0.0.1:5000/app:latest"]);
  });
});

describe("matchHints", () => {
  it("collects sources and images and lists the hints nothing uses", () => {
    const unknown: GitHint = { kind: "git", repo: ["https://github.com/someone/else.git"], branch: "main" };
    const result = matchHints(
      [githubHint("test.1"), { kind: "image", repository: "my-org/foo", tag: "qa" }, unknown, { kind: "image", repository: "x/y", tag: "1" }],
      {
        sources,
        configDir,
        images: ["my-org/foo:qa"],
      },
    );
    assert.deepEqual([...result.sources.keys()], ["app1"]);
    assert.deepEqual([...result.images.keys()], ["my-org/foo:qa"]);
    assert.deepEqual(result.unmatched, [unknown, { kind: "image", repository: "x/y", tag: "1" }]);
  });
});
