import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { fastify, type FastifyInstance } from "fastify";
import { controllerSchema } from "../../../src/config/controller-schema.js";
import { openSqliteStore, type Store } from "../../../src/store/index.js";
import { registerWebhookRoutes, type Hint, type HintMeta } from "../../../src/webhooks/index.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { dockerhubPush, giteaPush, githubPing, githubPush, gitlabPush, registryPush, sign } from "../../unit/webhooks/payloads.js";
import { pushTinyImage } from "./push-image.js";

const SECRETS = {
  github: "gh-secret-5d1c9a",
  gitlab: "gl-token-77ab01",
  gitea: "gt-secret-e4f2aa",
  generic: "slipway-secret-0b9d",
  registry: "reg-token-c3a8e2",
  dockerhub: "dh0path0secret0a1b2c3d4e",
};
const MAX_BODY = 64 * 1024;

interface Call {
  readonly hints: readonly Hint[];
  readonly meta: HintMeta;
}

interface Server {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly calls: Call[];
  readonly logs: string[];
}

async function startServer(store: Store, webhooks: unknown): Promise<Server> {
  const config = controllerSchema.parse({ webhooks, max_body: MAX_BODY });
  const app = fastify({ logger: false });
  const calls: Call[] = [];
  const logs: string[] = [];
  const record = (...args: unknown[]) => void logs.push(JSON.stringify(args));
  registerWebhookRoutes(app, {
    webhooks: config.webhooks,
    maxBody: config.max_body,
    store,
    receivedBy: "test-controller",
    onHints: (hints, meta) => void calls.push({ hints, meta }),
    log: { info: record, warn: record, error: record },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  assert.ok(address !== null && typeof address === "object");
  return { app, url: `http://127.0.0.1:${address.port}`, calls, logs };
}

interface Delivery {
  readonly path: string;
  readonly body: string;
  readonly headers: Record<string, string>;
  /** The same delivery with a signature (or token) that does not match. */
  readonly forged: Record<string, string>;
  readonly forgedPath?: string;
}

function deliveries(): Record<string, Delivery> {
  const github = githubPush();
  const gitea = giteaPush();
  const generic = JSON.stringify({ source: "app1", branch: "release", image: "my-org/foo", tag: "qa" });
  return {
    github: {
      path: "/hooks/github",
      body: github,
      headers: { "x-github-event": "push", "x-github-delivery": "gh-1", "x-hub-signature-256": `sha256=${sign(SECRETS.github, github)}` },
      forged: { "x-hub-signature-256": `sha256=${sign("not-the-secret", github)}` },
    },
    gitlab: {
      path: "/hooks/gitlab",
      body: gitlabPush(),
      headers: { "x-gitlab-event": "Push Hook", "x-gitlab-event-uuid": "gl-1", "x-gitlab-token": SECRETS.gitlab },
      forged: { "x-gitlab-token": "gl-token-77ab02" },
    },
    gitea: {
      path: "/hooks/gitea",
      body: gitea,
      headers: { "x-gitea-event": "push", "x-gitea-delivery": "gt-1", "x-gitea-signature": sign(SECRETS.gitea, gitea) },
      forged: { "x-gitea-signature": sign("not-the-secret", gitea) },
    },
    generic: {
      path: "/hooks/generic",
      body: generic,
      headers: { "x-slipway-delivery": "ci-1", "x-slipway-signature": `sha256=${sign(SECRETS.generic, generic)}` },
      forged: { "x-slipway-signature": `sha256=${sign("not-the-secret", generic)}` },
    },
    registry: {
      path: "/hooks/registry",
      body: registryPush(),
      headers: { "content-type": "application/vnd.docker.distribution.events.v1+json", authorization: `Bearer ${SECRETS.registry}` },
      forged: { authorization: "Bearer reg-token-c3a8e3" },
    },
    dockerhub: {
      path: `/hooks/dockerhub/${SECRETS.dockerhub}`,
      body: dockerhubPush(),
      headers: {},
      forged: {},
      forgedPath: "/hooks/dockerhub/dh0path0secret0a1b2c3d4f",
    },
  };
}

async function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("webhook routes on a real Fastify server with a real SQLite store", () => {
  let dir: string;
  let store: Store;
  let server: Server;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "slipway-webhooks-"));
    store = openSqliteStore(join(dir, "state.db"));
    server = await startServer(store, {
      github: { secret: SECRETS.github },
      gitlab: { token: SECRETS.gitlab },
      gitea: { secret: SECRETS.gitea },
      generic: { secret: SECRETS.generic },
      registry: { token: SECRETS.registry },
      dockerhub: { path_secret: SECRETS.dockerhub },
    });
  });
  after(async () => {
    await server.app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [provider, delivery] of Object.entries(deliveries())) {
    it(`${provider}: a good delivery is accepted once; a re-delivery is a duplicate; a forged one is 401`, async () => {
      const before = server.calls.length;
      const forged = await post(server.url + (delivery.forgedPath ?? delivery.path), delivery.body, { ...delivery.headers, ...delivery.forged });
      assert.equal(forged.status, 401, JSON.stringify(forged.json));
      assert.equal(server.calls.length, before, "a forged delivery calls nothing");

      const first = await post(server.url + delivery.path, delivery.body, delivery.headers);
      assert.equal(first.status, 202, JSON.stringify(first.json));
      assert.equal(first.json["accepted"], true);
      assert.equal(first.json["duplicate"], undefined);
      assert.ok(Number(first.json["hints"]) >= 1);
      assert.equal(server.calls.length, before + 1, "onHints is called once");
      const call = server.calls.at(-1);
      assert.equal(call?.meta.provider, provider);
      assert.equal(call?.meta.deliveryId, first.json["deliveryId"]);
      assert.equal(call?.hints.length, first.json["hints"]);

      const again = await post(server.url + delivery.path, delivery.body, delivery.headers);
      assert.equal(again.status, 202);
      assert.deepEqual(again.json, { ...first.json, duplicate: true });
      assert.equal(server.calls.length, before + 1, "a re-delivery does not call onHints again");
    });
  }

  it("hands over the hints each provider's payload gives", () => {
    const byProvider = new Map(server.calls.map((call) => [call.meta.provider, call.hints]));
    assert.deepEqual(byProvider.get("github")?.[0], {
      kind: "git",
      repo: ["https://github.com/my-org/app1.git", "git@github.com:my-org/app1.git", "https://github.com/my-org/app1", "git://github.com/my-org/app1.git"],
      branch: "test.1",
      commit: "bffeb74224043ba2feb48d137756c8a9331c449a",
    });
    assert.deepEqual(byProvider.get("dockerhub"), [{ kind: "image", repository: "svendowideit/testhook", tag: "latest" }]);
    assert.deepEqual(
      byProvider.get("generic")?.map((hint) => hint.kind),
      ["git", "image"],
    );
  });

  it("refuses a body over max_body with 413 and calls nothing", async () => {
    const before = server.calls.length;
    const padding = "x".repeat(MAX_BODY + 1);
    const body = JSON.stringify({ ...(JSON.parse(githubPush({ after: "c".repeat(40) })) as object), padding });
    const result = await post(`${server.url}/hooks/github`, body, {
      "x-github-event": "push",
      "x-github-delivery": "gh-big",
      "x-hub-signature-256": `sha256=${sign(SECRETS.github, body)}`,
    });
    assert.equal(result.status, 413);
    assert.match(String(result.json["error"]), /max_body/);
    assert.equal(server.calls.length, before);
  });

  it("refuses a signed body that is not JSON with 400, and a ping gives 202 with no hints and no call", async () => {
    const before = server.calls.length;
    const broken = '{"ref": "refs/heads/main", ';
    const bad = await post(`${server.url}/hooks/github`, broken, {
      "x-github-event": "push",
      "x-github-delivery": "gh-broken",
      "x-hub-signature-256": `sha256=${sign(SECRETS.github, broken)}`,
    });
    assert.equal(bad.status, 400);
    const ping = githubPing();
    const pong = await post(`${server.url}/hooks/github`, ping, {
      "x-github-event": "ping",
      "x-github-delivery": "gh-ping",
      "x-hub-signature-256": `sha256=${sign(SECRETS.github, ping)}`,
    });
    assert.deepEqual([pong.status, pong.json["hints"]], [202, 0]);
    assert.equal(server.calls.length, before);
  });

  it("refuses signatures in upper case (401, nothing called): GitHub, Gitea, Forgejo and generic compare the lower-case hex senders send", async () => {
    const before = server.calls.length;
    const github = githubPush({ after: "d".repeat(40) });
    const gitea = giteaPush();
    const generic = JSON.stringify({ source: "app1", branch: "upper-case" });
    const gh = sign(SECRETS.github, github);
    const gt = sign(SECRETS.gitea, gitea);
    const ge = sign(SECRETS.generic, generic);
    const attempts: [string, string, Record<string, string>][] = [
      ["/hooks/github", github, { "x-github-event": "push", "x-hub-signature-256": `sha256=${gh.toUpperCase()}` }],
      ["/hooks/github", github, { "x-github-event": "push", "x-hub-signature-256": `SHA256=${gh}` }],
      ["/hooks/github", github, { "x-github-event": "push", "x-hub-signature-256": `SHA256=${gh.toUpperCase()}` }],
      ["/hooks/gitea", gitea, { "x-gitea-event": "push", "x-gitea-signature": gt.toUpperCase() }],
      ["/hooks/gitea", gitea, { "x-forgejo-event": "push", "x-forgejo-signature": gt.toUpperCase() }],
      ["/hooks/generic", generic, { "x-slipway-signature": `sha256=${ge.toUpperCase()}` }],
      ["/hooks/generic", generic, { "x-slipway-signature": `SHA256=${ge}` }],
    ];
    for (const [path, body, headers] of attempts) {
      const result = await post(server.url + path, body, {
        ...headers,
        "x-github-delivery": "gh-upper",
        "x-gitea-delivery": "gt-upper",
        "x-slipway-delivery": "ci-upper",
      });
      assert.equal(result.status, 401, `${path} ${JSON.stringify(headers)}: ${JSON.stringify(result.json)}`);
    }
    assert.equal(server.calls.length, before, "no upper-case signature reached onHints");
    // The same deliveries signed in lower case pass: the refusals were for the case alone.
    const good = await post(`${server.url}/hooks/github`, github, {
      "x-github-event": "push",
      "x-github-delivery": "gh-lower",
      "x-hub-signature-256": `sha256=${gh}`,
    });
    assert.equal(good.status, 202, JSON.stringify(good.json));
  });

  it("a push to a tag or a deleted branch is accepted with no hints", async () => {
    const before = server.calls.length;
    const deleted = githubPush({ deleted: true, after: "0".repeat(40) });
    const result = await post(`${server.url}/hooks/github`, deleted, {
      "x-github-event": "push",
      "x-github-delivery": "gh-del",
      "x-hub-signature-256": `sha256=${sign(SECRETS.github, deleted)}`,
    });
    assert.deepEqual([result.status, result.json["hints"]], [202, 0]);
    assert.equal(server.calls.length, before);
  });

  it("keeps secrets and signatures out of its logs", () => {
    const text = server.logs.join("\n");
    assert.ok(text.includes("refused"), "refusals are logged");
    for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), `log contains ${secret.slice(0, 4)}…`);
    assert.ok(!text.includes(sign(SECRETS.github, githubPush())), "log contains a signature");
    assert.ok(!text.includes(sign("not-the-secret", githubPush())), "log contains a forged signature");
  });

  it("answers 404 for a provider that is not configured", async () => {
    const other = await startServer(store, { github: { secret: SECRETS.github } });
    try {
      const delivery = deliveries()["gitlab"];
      assert.ok(delivery);
      const result = await post(other.url + delivery.path, delivery.body, delivery.headers);
      assert.equal(result.status, 404);
      assert.match(String(result.json["error"]), /controller\.webhooks\.gitlab/);
      assert.equal(other.calls.length, 0);
    } finally {
      await other.app.close();
    }
  });
});

describe("the distribution registry's own notifications, end to end", () => {
  let dir: string;
  let store: Store;
  let server: Server;
  let registry: TestRegistry;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "slipway-webhooks-registry-"));
    store = openSqliteStore(join(dir, "state.db"));
    server = await startServer(store, { registry: { token: SECRETS.registry } });
    registry = await startRegistry({ notify: { url: `${server.url}/hooks/registry`, token: SECRETS.registry, backoff: "200ms" } });
  });
  after(async () => {
    await registry.stop();
    await server.app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a push to the registry reaches onHints as host/repository:tag with the manifest digest", async () => {
    const digest = await pushTinyImage(registry.url, "my-org/foo", "qa", "one");
    const deadline = Date.now() + 15_000;
    while (!server.calls.some((call) => call.hints.some((hint) => hint.kind === "image" && hint.digest === digest)) && Date.now() < deadline) await sleep(50);
    const hints = server.calls.flatMap((call) => call.hints);
    assert.deepEqual(
      hints.filter((hint) => hint.kind === "image" && hint.digest === digest),
      [{ kind: "image", repository: `${registry.host}/my-org/foo`, tag: "qa", digest }],
      `hints: ${JSON.stringify(hints)}; log: ${server.logs.join("\n")}`,
    );
    assert.ok(server.calls.every((call) => call.meta.provider === "registry"));
  });
});
