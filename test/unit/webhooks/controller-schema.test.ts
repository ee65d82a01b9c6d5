import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configSchema } from "../../../src/config/index.js";
import { controllerSchema } from "../../../src/config/controller-schema.js";

describe("controller: in slipway.yml", () => {
  it("fills the defaults", () => {
    const parsed = controllerSchema.parse({});
    assert.deepEqual(parsed.listen, { host: "127.0.0.1", port: 8420 });
    assert.equal(parsed.max_body, 1024 * 1024);
    assert.equal(parsed.recheck, 24 * 3_600_000);
    assert.equal(parsed.poll_jitter, 0.1);
    assert.deepEqual(parsed.webhooks, {});
  });

  it("reads listen, sizes, durations and secrets, and keeps secrets out of JSON", () => {
    const parsed = controllerSchema.parse({
      listen: "[::]:9000",
      url: "https://slipway.example.com/",
      max_body: "256k",
      recheck: "6h",
      webhooks: { github: { secret: "s3cret-value" }, registry: { token: "tok-1234" }, dockerhub: { path_secret: "0123456789abcdef0123" } },
    });
    assert.deepEqual(parsed.listen, { host: "::", port: 9000 });
    assert.equal(parsed.url, "https://slipway.example.com");
    assert.equal(parsed.max_body, 256 * 1024);
    assert.equal(parsed.recheck, 6 * 3_600_000);
    assert.equal(parsed.webhooks.github?.secret.reveal(), "s3cret-value");
    assert.equal(parsed.webhooks.registry?.header, "Authorization");
    const json = JSON.stringify(parsed);
    assert.ok(!json.includes("s3cret-value") && !json.includes("tok-1234") && !json.includes("0123456789abcdef0123"), json);
  });

  it("refuses unknown providers, bad addresses, short path secrets and jitter above 1", () => {
    for (const bad of [
      { webhooks: { bitbucket: { secret: "x" } } },
      { webhooks: { github: { token: "x" } } },
      { webhooks: { github: { secret: "" } } },
      { listen: "8420" },
      { listen: "localhost:70000" },
      { url: "slipway.example.com" },
      { webhooks: { dockerhub: { path_secret: "short" } } },
      { webhooks: { dockerhub: { path_secret: "has/a/slash/in/it/0123" } } },
      { poll_jitter: 1.5 },
      { max_body: "lots" },
    ]) {
      assert.equal(controllerSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it("is the controller: key of the whole config", () => {
    const parsed = configSchema.parse({ controller: { webhooks: { gitlab: { token: "t" } } } });
    assert.equal(parsed.controller?.webhooks.gitlab?.token.reveal(), "t");
    assert.equal(configSchema.parse({}).controller, undefined);
  });
});
