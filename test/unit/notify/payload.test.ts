import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Secret } from "../../../src/util/secret.js";
import {
  eventPayload,
  signWebhook,
  slackPayload,
  slackTarget,
  verifyWebhookSignature,
  webhookTarget,
  type NotifyEventInput,
} from "../../../src/notify/index.js";

const AT = new Date("2024-05-01T12:00:00Z");
const deploy: NotifyEventInput = {
  event: "deploy",
  title: "Deployed api 20240501T115900Z\nto prod",
  subject: "api",
  environment: "prod",
  outcome: "succeeded",
  detail: { revision: "20240501T115900Z", durationMs: 4200, startedAt: new Date("2024-05-01T11:59:55Z") },
  url: "https://slipway.example.com/deployments/7",
  at: AT,
};

test("the payload has every field, the title on one line, dates as ISO 8601", () => {
  assert.deepEqual(eventPayload(deploy), {
    event: "deploy",
    title: "Deployed api 20240501T115900Z to prod",
    subject: "api",
    environment: "prod",
    outcome: "succeeded",
    detail: { revision: "20240501T115900Z", durationMs: 4200, startedAt: "2024-05-01T11:59:55.000Z" },
    url: "https://slipway.example.com/deployments/7",
    at: "2024-05-01T12:00:00.000Z",
  });
  const now = new Date("2024-06-01T00:00:00Z");
  const minimal = eventPayload({ event: "build", title: "Built app", subject: "app", outcome: "failed" }, now);
  assert.deepEqual(minimal, { event: "build", title: "Built app", subject: "app", outcome: "failed", detail: {}, at: "2024-06-01T00:00:00.000Z" });
});

test("secrets never reach a payload: Secret values and known secret text are redacted", () => {
  const password = new Secret("hunter2-very-secret");
  const payload = eventPayload({
    event: "job-failure",
    title: "Job backup failed",
    subject: "backup",
    outcome: "failed",
    detail: { password, error: new Error("login with hunter2-very-secret refused"), nested: { said: "pw=hunter2-very-secret" } },
  });
  const text = JSON.stringify(payload) + JSON.stringify(slackPayload(payload));
  assert.ok(!text.includes("hunter2-very-secret"), text);
  assert.deepEqual(payload.detail, { password: "[redacted]", error: "login with [redacted] refused", nested: { said: "pw=[redacted]" } });
});

test("the Slack text says what happened, the key facts and the link, escaped as Slack asks", () => {
  const { text } = slackPayload(eventPayload({ ...deploy, title: "Deployed <api> & co" }));
  assert.deepEqual(text.split("\n"), [
    "✅ Deployed &lt;api&gt; &amp; co",
    "deploy · api · prod · succeeded",
    "revision: 20240501T115900Z · durationMs: 4200 · startedAt: 2024-05-01T11:59:55.000Z",
    "https://slipway.example.com/deployments/7",
  ]);
});

test("the Slack target posts to its URL but shows only the host", () => {
  const target = slackTarget({ slack: new Secret("https://hooks.slack.com/services/T000/B000/XXXXSECRET") });
  assert.equal(target.label, "slack (hooks.slack.com)");
  const request = target.request(eventPayload(deploy), { id: "d1", timestamp: 1714564800 });
  assert.equal(request.url, "https://hooks.slack.com/services/T000/B000/XXXXSECRET");
  assert.equal(request.headers["content-type"], "application/json");
  assert.ok(typeof JSON.parse(request.body).text === "string");
});

test("the webhook request carries the event headers and a signature a receiver can check", () => {
  const secret = "s3cret-for-signing";
  const target = webhookTarget({ webhook: "https://user:pw@hooks.example.com/slipway?token=abc", secret: new Secret(secret) });
  assert.equal(target.label, "webhook (https://hooks.example.com/slipway)");
  const timestamp = 1714564800;
  const request = target.request(eventPayload(deploy), { id: "0b6f5a52-6f3e-4c53-9b8e-0f3b3c1d2e4f", timestamp });
  assert.equal(request.headers["x-slipway-event"], "deploy");
  assert.equal(request.headers["x-slipway-delivery"], "0b6f5a52-6f3e-4c53-9b8e-0f3b3c1d2e4f");
  assert.equal(request.headers["x-slipway-timestamp"], "1714564800");
  const expected = "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${request.body}`).digest("hex");
  assert.equal(request.headers["x-slipway-signature"], expected);
  assert.deepEqual(JSON.parse(request.body), eventPayload(deploy));
});

test("without a secret there is no signature header", () => {
  const request = webhookTarget({ webhook: "http://127.0.0.1:9/hook" }).request(eventPayload(deploy), { id: "x", timestamp: 1 });
  assert.equal(request.headers["x-slipway-signature"], undefined);
});

test("verification accepts the signed body and refuses a changed body, a wrong secret or a stale timestamp", () => {
  const body = JSON.stringify({ hello: "world" });
  const timestamp = 1714564800;
  const signature = signWebhook("key-one", timestamp, body);
  const headers = { signature, timestamp: String(timestamp) };
  assert.equal(verifyWebhookSignature("key-one", headers, body, { nowS: timestamp + 10 }), true);
  assert.equal(verifyWebhookSignature("key-one", headers, body + " ", { nowS: timestamp }), false);
  assert.equal(verifyWebhookSignature("key-two", headers, body, { nowS: timestamp }), false);
  assert.equal(verifyWebhookSignature("key-one", headers, body, { nowS: timestamp + 301 }), false);
  assert.equal(verifyWebhookSignature("key-one", { signature: undefined, timestamp: String(timestamp) }, body, { nowS: timestamp }), false);
  assert.equal(verifyWebhookSignature("key-one", { signature: "sha256=00", timestamp: String(timestamp) }, body, { nowS: timestamp }), false);
});
