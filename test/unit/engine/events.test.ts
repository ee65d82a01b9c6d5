import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { parseEngineEvent } from "../../../src/engine/events.js";
import { readJsonLines } from "../../../src/engine/json-lines.js";

// Recorded from Docker Engine 20.10.24.
const start = {
  status: "start",
  id: "4b8c9632c368",
  from: "slipway-test/busybox:113c2f192e11",
  Type: "container",
  Action: "start",
  Actor: { ID: "4b8c9632c368", Attributes: { image: "slipway-test/busybox:113c2f192e11", name: "web-1", "slipway.service": "web" } },
  scope: "local",
  time: 1763819000,
  timeNano: 1763819000123 * 1e6,
};
const health = { ...start, status: "health_status: healthy", Action: "health_status: healthy" };

test("an engine event becomes a typed event with its actor, attributes and time", () => {
  assert.deepEqual(parseEngineEvent(start), {
    type: "container",
    action: "start",
    actionDetail: undefined,
    actorId: "4b8c9632c368",
    attributes: { image: "slipway-test/busybox:113c2f192e11", name: "web-1", "slipway.service": "web" },
    time: new Date(1763819000123),
  });
  const parsed = parseEngineEvent(health);
  assert.equal(parsed?.action, "health_status");
  assert.equal(parsed?.actionDetail, "healthy");
  assert.equal(parseEngineEvent({ status: "old style" }), undefined);
  assert.equal(parseEngineEvent("nope"), undefined);
});

test("JSON lines are read whole across chunk boundaries; blank and broken lines are skipped", async () => {
  const text = `${JSON.stringify(start)}\r\n\n{broken\n${JSON.stringify(health)}`;
  const chunks = [text.slice(0, 7), text.slice(7, 100), text.slice(100)].map((s) => Buffer.from(s));
  const values: unknown[] = [];
  for await (const value of readJsonLines(Readable.from(chunks))) values.push(value);
  assert.deepEqual(values, [start, health]);
});
