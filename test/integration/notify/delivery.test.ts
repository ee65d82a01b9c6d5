import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { notifySchema, type NotifyConfig } from "../../../src/config/notify-schema.js";
import { createNotifier, type NotifyEventInput, type NotifyLog } from "../../../src/notify/index.js";
import { startReceiver, type Received } from "./receiver.js";

const SECRET = "receiver-shared-secret-1";
const deploy: NotifyEventInput = {
  event: "deploy",
  title: "Deployed api 20240501T115900Z to prod",
  subject: "api",
  environment: "prod",
  outcome: "succeeded",
  detail: { revision: "20240501T115900Z" },
};
const FAST = { baseDelayMs: 20, timeoutMs: 2000 } as const;

function config(raw: unknown): NotifyConfig {
  return notifySchema.parse(raw);
}

function captureLog(): NotifyLog & { lines: string[] } {
  const lines: string[] = [];
  const write = (fields: Record<string, unknown>, message: string) => lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, info: write, warn: write };
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  assert.equal(typeof value, "string", `header ${name}`);
  return value as string;
}

/** What a receiver does with the shared secret: HMAC of "<timestamp>.<raw body>", constant-time compare, fresh timestamp. */
function receiverAccepts(request: Received, secret: string): boolean {
  const timestamp = header(request.headers, "x-slipway-timestamp");
  const given = Buffer.from(header(request.headers, "x-slipway-signature"));
  const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(`${timestamp}.${request.body}`).digest("hex"));
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

test("an event reaches a signed webhook once, with a signature the receiver verifies", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const notifier = createNotifier([config({ webhook: `${receiver.url}/slipway`, secret: SECRET })], { ...FAST, log: captureLog() });
  notifier.notify(deploy);
  await notifier.flush(5000);
  assert.equal(receiver.received.length, 1);
  const [request] = receiver.received;
  assert.ok(request);
  assert.equal(request.path, "/slipway");
  assert.equal(receiverAccepts(request, SECRET), true);
  assert.equal(receiverAccepts(request, "some-other-secret"), false);
  assert.equal(header(request.headers, "x-slipway-event"), "deploy");
  assert.match(header(request.headers, "x-slipway-delivery"), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const body = JSON.parse(request.body);
  assert.equal(body.title, deploy.title);
  assert.equal(body.outcome, "succeeded");
  assert.deepEqual(body.detail, { revision: "20240501T115900Z" });
});

test("a 500 is retried and the event then delivered once, under the same delivery id", async (t) => {
  const receiver = await startReceiver((index) => ({ status: index === 0 ? 500 : 204 }));
  t.after(() => receiver.close());
  const log = captureLog();
  const notifier = createNotifier([config({ webhook: receiver.url, secret: SECRET })], { ...FAST, log });
  notifier.notify(deploy);
  await notifier.flush(5000);
  assert.equal(receiver.received.length, 2);
  const [first, second] = receiver.received;
  assert.ok(first && second);
  assert.equal(header(first.headers, "x-slipway-delivery"), header(second.headers, "x-slipway-delivery"));
  assert.equal(receiverAccepts(second, SECRET), true);
  assert.ok(
    log.lines.some((line) => line.includes("failed (HTTP 500")),
    log.lines.join("\n"),
  );
  assert.ok(
    log.lines.some((line) => line.startsWith("notification delivered")),
    log.lines.join("\n"),
  );
});

test("a 400 is final: not retried, and the failure is logged", async (t) => {
  const receiver = await startReceiver(() => ({ status: 400 }));
  t.after(() => receiver.close());
  const log = captureLog();
  const notifier = createNotifier([config({ webhook: receiver.url })], { ...FAST, log });
  notifier.notify(deploy);
  await notifier.flush(5000);
  assert.equal(receiver.received.length, 1);
  assert.ok(
    log.lines.some((line) => line.includes("not delivered after 1 attempt: HTTP 400")),
    log.lines.join("\n"),
  );
});

test("a 429 waits out its Retry-After before the next attempt", async (t) => {
  const receiver = await startReceiver((index) => (index === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }));
  t.after(() => receiver.close());
  const notifier = createNotifier([config({ webhook: receiver.url })], { ...FAST, log: captureLog() });
  notifier.notify(deploy);
  await notifier.flush(5000);
  const [first, second] = receiver.received;
  assert.ok(first && second, "two attempts");
  assert.ok(second.at - first.at >= 950, `waited ${second.at - first.at} ms`);
});

test("a receiver that never answers delays neither notify() nor the other notifiers, and flush(timeout) returns", async (t) => {
  const silent = await startReceiver(() => "hang");
  const healthy = await startReceiver();
  t.after(() => Promise.all([silent.close(), healthy.close()]));
  const notifier = createNotifier([config({ webhook: silent.url }), config({ webhook: healthy.url })], { ...FAST, timeoutMs: 60_000, log: captureLog() });
  const started = performance.now();
  notifier.notify(deploy);
  assert.ok(performance.now() - started < 50, "notify() returns at once");
  await healthy.waitFor(1);
  await silent.waitFor(1);
  const flushStarted = performance.now();
  await notifier.flush(300);
  const waited = performance.now() - flushStarted;
  assert.ok(waited >= 250 && waited < 1500, `flush waited ${waited} ms`);
  assert.equal(notifier.pending(), 1, "the silent receiver's delivery is still going");
  await notifier.close(0);
  assert.equal(notifier.pending(), 0);
});

test("a receiver that is down is retried, then given up, and notify() never throws", async (t) => {
  const receiver = await startReceiver();
  const url = receiver.url;
  await receiver.close();
  const log = captureLog();
  const notifier = createNotifier([config({ webhook: url })], { ...FAST, retries: 2, log });
  t.after(() => notifier.close(0));
  assert.doesNotThrow(() => notifier.notify(deploy));
  await notifier.flush(5000);
  assert.ok(
    log.lines.some((line) => line.includes("not delivered after 3 attempts: connection refused")),
    log.lines.join("\n"),
  );
});

test("each notifier gets only the events it asked for", async (t) => {
  const chat = await startReceiver();
  const hook = await startReceiver();
  t.after(() => Promise.all([chat.close(), hook.close()]));
  const notifier = createNotifier(
    [config({ slack: `${chat.url}/services/T0/B0/chat-secret-path`, events: ["deploy", "rollback"] }), config({ webhook: hook.url, events: ["build"] })],
    { ...FAST, log: captureLog() },
  );
  notifier.notify({ ...deploy, event: "build", title: "Built app-prod", subject: "app-prod" });
  notifier.notify(deploy);
  notifier.notify({ ...deploy, event: "job-failure", title: "Job backup failed", subject: "backup", outcome: "failed" });
  await notifier.flush(5000);
  assert.deepEqual(
    chat.received.map((request) => JSON.parse(request.body).text.split("\n")[0]),
    ["✅ Deployed api 20240501T115900Z to prod"],
  );
  assert.deepEqual(
    hook.received.map((request) => header(request.headers, "x-slipway-event")),
    ["build"],
  );
});

test("the Slack URL never appears in logs: only its host", async (t) => {
  const chat = await startReceiver(() => ({ status: 403 }));
  t.after(() => chat.close());
  const log = captureLog();
  const notifier = createNotifier([config({ slack: `${chat.url}/services/T0/B0/very-secret-token` })], { ...FAST, log });
  notifier.notify(deploy);
  await notifier.flush(5000);
  assert.equal(chat.received.length, 1);
  const text = log.lines.join("\n");
  assert.ok(text.includes(`slack (${new URL(chat.url).host})`), text);
  assert.ok(!text.includes("very-secret-token"), text);
});
