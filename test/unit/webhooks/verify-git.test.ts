import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Secret } from "../../../src/util/secret.js";
import { verifyGeneric, verifyGitea, verifyGithub, verifyGitlab, type WebhookResult } from "../../../src/webhooks/index.js";
import { SHA_A, giteaPush, githubPing, githubPush, gitlabPush, sign } from "./payloads.js";

const SECRET = "It's a Secret to Everybody";
const secret = new Secret(SECRET);

function accepted(result: WebhookResult) {
  assert.ok(result.ok, result.ok ? "" : `refused: ${result.status} ${result.reason}`);
  return result;
}

function refused(result: WebhookResult, status: number): string {
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.status, status);
  return result.reason;
}

describe("GitHub push webhooks", () => {
  const request = (body: string, headers: Record<string, string> = {}) => ({
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "x-hub-signature-256": `sha256=${sign(SECRET, body)}`,
      ...headers,
    },
    body: Buffer.from(body),
  });

  it("verifies GitHub's documented example signature", () => {
    // docs.github.com "Validating webhook deliveries": secret and payload give this exact signature.
    const body = "Hello, World!";
    const expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assert.equal(`sha256=${sign(SECRET, body)}`, expected);
    const result = verifyGithub({ headers: { "x-hub-signature-256": expected, "x-github-event": "ping" }, body: Buffer.from(body) }, { secret });
    assert.equal(result.ok, false, "Hello, World! is not JSON, so it is refused after the signature passed");
    assert.match(refused(result, 400), /not valid JSON/);
  });

  it("gives a git hint with every URL form, the branch and the commit", () => {
    const result = accepted(verifyGithub(request(githubPush()), { secret }));
    assert.equal(result.provider, "github");
    assert.equal(result.deliveryId, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assert.deepEqual(result.hints, [
      {
        kind: "git",
        repo: ["https://github.com/my-org/app1.git", "git@github.com:my-org/app1.git", "https://github.com/my-org/app1", "git://github.com/my-org/app1.git"],
        branch: "test.1",
        commit: SHA_A,
      },
    ]);
  });

  it("accepts the form encoding (payload=…), signed over the form body", () => {
    const form = new URLSearchParams({ payload: githubPush() }).toString();
    const result = accepted(verifyGithub(request(form, { "content-type": "application/x-www-form-urlencoded" }), { secret }));
    assert.equal(result.hints.length, 1);
  });

  it("refuses a wrong, missing or truncated signature with 401, before reading the body", () => {
    const body = githubPush();
    assert.match(refused(verifyGithub(request(body, { "x-hub-signature-256": `sha256=${sign("wrong secret", body)}` }), { secret }), 401), /does not match/);
    assert.match(refused(verifyGithub({ headers: { "x-github-event": "push" }, body: Buffer.from(body) }, { secret }), 401), /missing/);
    const good = `sha256=${sign(SECRET, body)}`;
    refused(verifyGithub(request(body, { "x-hub-signature-256": good.slice(0, -1) }), { secret }), 401);
    refused(verifyGithub(request(body, { "x-hub-signature-256": good.replace("sha256=", "sha1=") }), { secret }), 401);
    refused(verifyGithub(request("not json", { "x-hub-signature-256": good }), { secret }), 401);
  });

  it("refuses a body changed after signing", () => {
    const body = githubPush();
    const tampered = body.replace("test.1", "release");
    refused(verifyGithub({ ...request(body), body: Buffer.from(tampered) }, { secret }), 401);
  });

  it("never puts the secret or the signature in a refusal", () => {
    const body = githubPush();
    const wrong = `sha256=${sign("other", body)}`;
    const reason = refused(verifyGithub(request(body, { "x-hub-signature-256": wrong }), { secret }), 401);
    assert.ok(!reason.includes(SECRET) && !reason.includes(wrong.slice(7)) && !reason.includes(sign(SECRET, body)));
  });

  it("accepts a ping and other events with no hints", () => {
    const ping = accepted(verifyGithub(request(githubPing(), { "x-github-event": "ping" }), { secret }));
    assert.deepEqual([ping.event, ping.hints, ping.notes], ["ping", [], ["a ping"]]);
    const issues = accepted(verifyGithub(request("{}", { "x-github-event": "issues" }), { secret }));
    assert.deepEqual(issues.hints, []);
  });

  it("gives no hint for a branch deletion or a tag push", () => {
    const deleted = accepted(verifyGithub(request(githubPush({ deleted: true, after: "0".repeat(40) })), { secret }));
    assert.deepEqual([deleted.hints, deleted.notes], [[], ["branch test.1 was deleted"]]);
    const tag = accepted(verifyGithub(request(githubPush({ ref: "refs/tags/v1.2.0" })), { secret }));
    assert.deepEqual(tag.hints, []);
    assert.match(tag.notes[0] ?? "", /refs\/tags\/v1\.2\.0, which is not a branch/);
  });

  it("refuses a signed push without a ref as malformed (400)", () => {
    assert.match(refused(verifyGithub(request(JSON.stringify({ after: SHA_A })), { secret }), 400), /no ref/);
    refused(verifyGithub(request('{"ref": '), { secret }), 400);
  });

  it("derives a delivery id from the body when X-GitHub-Delivery is missing", () => {
    const body = githubPush();
    const headers = { "x-github-event": "push", "x-hub-signature-256": `sha256=${sign(SECRET, body)}` };
    const first = accepted(verifyGithub({ headers, body: Buffer.from(body) }, { secret }));
    const again = accepted(verifyGithub({ headers, body: Buffer.from(body) }, { secret }));
    assert.match(first.deliveryId, /^sha256:[0-9a-f]{64}$/);
    assert.equal(first.deliveryId, again.deliveryId);
  });
});

describe("GitLab push webhooks", () => {
  const TOKEN = "gitlab-token-3f9a";
  const token = new Secret(TOKEN);
  const request = (body: string, headers: Record<string, string> = {}) => ({
    headers: {
      "content-type": "application/json",
      "x-gitlab-event": "Push Hook",
      "x-gitlab-token": TOKEN,
      "x-gitlab-event-uuid": "13792a34-cac6-4fda-95a8-c58e00a3954e",
      ...headers,
    },
    body: Buffer.from(body),
  });

  it("gives a git hint from the project's URLs, branch and checkout_sha", () => {
    const result = accepted(verifyGitlab(request(gitlabPush()), { token }));
    assert.equal(result.deliveryId, "13792a34-cac6-4fda-95a8-c58e00a3954e");
    assert.deepEqual(result.hints, [
      {
        kind: "git",
        repo: ["https://gitlab.example.com/mike/diaspora.git", "git@gitlab.example.com:mike/diaspora.git", "https://gitlab.example.com/mike/diaspora"],
        branch: "release",
        commit: SHA_A,
      },
    ]);
  });

  it("prefers Idempotency-Key, which stays the same on GitLab's retries", () => {
    const result = accepted(verifyGitlab(request(gitlabPush(), { "idempotency-key": "f5e5f430-f57b-4e6e-9fac-d9128cd7232f" }), { token }));
    assert.equal(result.deliveryId, "f5e5f430-f57b-4e6e-9fac-d9128cd7232f");
  });

  it("refuses a wrong or missing token with 401", () => {
    refused(verifyGitlab(request(gitlabPush(), { "x-gitlab-token": "gitlab-token-3f9b" }), { token }), 401);
    refused(verifyGitlab(request(gitlabPush(), { "x-gitlab-token": TOKEN.slice(0, 5) }), { token }), 401);
    refused(verifyGitlab(request(gitlabPush(), { "x-gitlab-token": `${TOKEN} ` }), { token }), 401);
    refused(verifyGitlab({ headers: { "x-gitlab-event": "Push Hook" }, body: Buffer.from(gitlabPush()) }, { token }), 401);
  });

  it("gives no hint for a branch deletion (checkout_sha null) or a tag push hook", () => {
    const deleted = accepted(verifyGitlab(request(gitlabPush({ deleted: true })), { token }));
    assert.deepEqual([deleted.hints, deleted.notes], [[], ["branch release was deleted"]]);
    const tag = accepted(verifyGitlab(request(gitlabPush({ ref: "refs/tags/v1" }), { "x-gitlab-event": "Tag Push Hook" }), { token }));
    assert.deepEqual(tag.hints, []);
  });
});

describe("Gitea and Forgejo push webhooks", () => {
  const request = (body: string, headers: Record<string, string>) => ({ headers: { "content-type": "application/json", ...headers }, body: Buffer.from(body) });

  it("verifies X-Gitea-Signature (bare hex) and reads the push", () => {
    const body = giteaPush();
    const headers = { "x-gitea-event": "push", "x-gitea-delivery": "f6266f16-1bf3-46a5-9ea4-602e06ead473", "x-gitea-signature": sign(SECRET, body) };
    const result = accepted(verifyGitea(request(body, headers), { secret }));
    assert.equal(result.deliveryId, "f6266f16-1bf3-46a5-9ea4-602e06ead473");
    assert.deepEqual(result.hints, [
      {
        kind: "git",
        repo: ["http://localhost:3000/gitea/webhooks.git", "ssh://gitea@localhost:2222/gitea/webhooks.git", "http://localhost:3000/gitea/webhooks"],
        branch: "develop",
        commit: SHA_A,
      },
    ]);
  });

  it("checks X-Forgejo-Signature when present: a good X-Gitea-Signature does not rescue a bad one", () => {
    const body = giteaPush();
    const good = sign(SECRET, body);
    const forgejo = { "x-forgejo-event": "push", "x-forgejo-delivery": "d-1", "x-forgejo-signature": good, "x-gitea-signature": good };
    assert.equal(accepted(verifyGitea(request(body, forgejo), { secret })).deliveryId, "d-1");
    const reason = refused(verifyGitea(request(body, { ...forgejo, "x-forgejo-signature": sign("other", body) }), { secret }), 401);
    assert.match(reason, /X-Forgejo-Signature/);
  });

  it("refuses a GitHub-style sha256= prefix, a wrong secret and a missing signature", () => {
    const body = giteaPush();
    refused(verifyGitea(request(body, { "x-gitea-signature": `sha256=${sign(SECRET, body)}` }), { secret }), 401);
    refused(verifyGitea(request(body, { "x-gitea-signature": sign("other", body) }), { secret }), 401);
    refused(verifyGitea(request(body, { "x-gitea-event": "push" }), { secret }), 401);
  });
});

describe("the generic signed webhook", () => {
  const request = (body: string, headers: Record<string, string> = {}) => ({
    headers: { "content-type": "application/json", "x-slipway-delivery": "ci-run-4711", "x-slipway-signature": `sha256=${sign(SECRET, body)}`, ...headers },
    body: Buffer.from(body),
  });

  it("gives a git hint for repo and branch, and an image hint for image and tag", () => {
    const body = JSON.stringify({ repo: "git@github.com:my-org/app1.git", branch: "release", commit: SHA_A, image: "my-org/foo", tag: "qa" });
    const result = accepted(verifyGeneric(request(body), { secret }));
    assert.equal(result.deliveryId, "ci-run-4711");
    assert.deepEqual(result.hints, [
      { kind: "git", repo: ["git@github.com:my-org/app1.git"], branch: "release", commit: SHA_A },
      { kind: "image", repository: "my-org/foo", tag: "qa" },
    ]);
  });

  it("names a source directly, on its own branch when none is given", () => {
    const result = accepted(verifyGeneric(request(JSON.stringify({ source: "app1" })), { secret }));
    assert.deepEqual(result.hints, [{ kind: "git", repo: [], source: "app1" }]);
  });

  it("refuses bad signatures (401), unknown keys and empty bodies (400)", () => {
    const body = JSON.stringify({ source: "app1" });
    refused(verifyGeneric(request(body, { "x-slipway-signature": sign(SECRET, body) }), { secret }), 401);
    refused(verifyGeneric(request(body, { "x-slipway-signature": `sha256=${sign("x", body)}` }), { secret }), 401);
    assert.match(refused(verifyGeneric(request(JSON.stringify({ sources: "app1" })), { secret }), 400), /expected a JSON object/);
    assert.match(refused(verifyGeneric(request("{}"), { secret }), 400), /names no source/);
    refused(verifyGeneric(request("[1,2]"), { secret }), 400);
  });

  it("notes, without a hint, a repo with no branch and an invalid image", () => {
    const result = accepted(verifyGeneric(request(JSON.stringify({ repo: "https://example.com/a.git", image: "Not An Image" })), { secret }));
    assert.deepEqual(result.hints, []);
    assert.equal(result.notes.length, 2);
  });
});

describe("signatures are compared exactly as senders write them: lower-case hex", () => {
  const body = githubPush();
  const hex = sign(SECRET, body);
  const upper = hex.toUpperCase();
  const json = { "content-type": "application/json" };

  it("GitHub: the lower-case signature passes; SHA256=, upper-case hex or both are refused (401)", () => {
    const github = (signature: string) =>
      verifyGithub({ headers: { ...json, "x-github-event": "push", "x-hub-signature-256": signature }, body: Buffer.from(body) }, { secret });
    assert.notEqual(upper, hex, "the digest has a letter, so upper-casing it changes it");
    accepted(github(`sha256=${hex}`));
    for (const signature of [`sha256=${upper}`, `SHA256=${hex}`, `SHA256=${upper}`, `Sha256=${hex}`]) {
      assert.match(refused(github(signature), 401), /does not match/, signature);
    }
  });

  it("Gitea and Forgejo: upper-case hex is refused in X-Gitea-Signature and X-Forgejo-Signature (401)", () => {
    const gitea = (headers: Record<string, string>) =>
      verifyGitea({ headers: { ...json, "x-gitea-event": "push", ...headers }, body: Buffer.from(body) }, { secret });
    accepted(gitea({ "x-gitea-signature": hex }));
    accepted(gitea({ "x-forgejo-signature": hex }));
    assert.match(refused(gitea({ "x-gitea-signature": upper }), 401), /X-Gitea-Signature/);
    assert.match(refused(gitea({ "x-forgejo-signature": upper, "x-gitea-signature": hex }), 401), /X-Forgejo-Signature/);
  });

  it("generic: SHA256=, upper-case hex or both are refused (401)", () => {
    const generic = JSON.stringify({ source: "app1" });
    const good = sign(SECRET, generic);
    const verify = (signature: string) => verifyGeneric({ headers: { ...json, "x-slipway-signature": signature }, body: Buffer.from(generic) }, { secret });
    accepted(verify(`sha256=${good}`));
    assert.notEqual(good.toUpperCase(), good);
    for (const signature of [`sha256=${good.toUpperCase()}`, `SHA256=${good}`, `SHA256=${good.toUpperCase()}`]) {
      assert.match(refused(verify(signature), 401), /does not match/, signature);
    }
  });
});
