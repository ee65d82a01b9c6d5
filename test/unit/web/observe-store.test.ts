import assert from "node:assert/strict";
import { test } from "node:test";
import { openSqliteStore } from "../../../src/store/index.js";
import { ephemeralKeySource } from "../../../src/store/secret-key.js";
import { eventOf, observeStore, type StoreEvent } from "../../../src/store/store-events.js";

test("an observed store tells of each write it records, fenced writes included, and of no read", async () => {
  const inner = openSqliteStore(":memory:", { keys: ephemeralKeySource() });
  const events: StoreEvent[] = [];
  const store = observeStore(inner, (event) => events.push(event));
  try {
    const d = await store.startDeployment({ service: "web", environment: "prod", toRevision: 1, strategy: "recreate", trigger: "cli", holder: "h:1" });
    const step = await store.startStep(d.id, "create");
    await store.finishStep(d.id, step.seq, { status: "done" });
    await store.listDeployments({});
    await store.getDeployment(d.id);
    const run = await store.startJobRun({ job: "nightly", trigger: "cli" });
    await store.finishJobRun(run.id, { status: "succeeded", exitCode: 0 });
    assert.deepEqual(events, [
      { kind: "deployment", id: d.id, service: "web", environment: "prod" },
      { kind: "deployment", id: d.id },
      { kind: "deployment", id: d.id },
      { kind: "job", id: run.id, job: "nightly" },
      { kind: "job", id: run.id, job: "nightly" },
    ]);
    const { leadership } = await store.claimLeadership("l", "me", 60_000);
    events.length = 0;
    await store.fenced(leadership).startPipelineRun({ environment: "prod", source: "app", branch: "main", commit: "c".repeat(40), trigger: "poll" });
    assert.equal(events[0]?.kind, "pipeline", "a fenced store hands out observed writes too");
  } finally {
    await store.close();
  }
});

test("a listener that throws does not fail the write", async () => {
  const store = observeStore(openSqliteStore(":memory:", { keys: ephemeralKeySource() }), () => {
    throw new Error("a broken page");
  });
  try {
    const run = await store.startJobRun({ job: "nightly", trigger: "cli" });
    assert.equal((await store.listJobRuns({})).length, 1);
    assert.equal(run.job, "nightly");
  } finally {
    await store.close();
  }
});

test("reads and unknown methods make no event", () => {
  assert.equal(eventOf("listDeployments", [], []), undefined);
  assert.equal(eventOf("nosuch", [], undefined), undefined);
  assert.deepEqual(eventOf("setWatch", ["auto-update:web:prod:last", "{}"], undefined), { kind: "watch", key: "auto-update:web:prod:last" });
});
