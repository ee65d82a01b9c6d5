import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SlipwayError } from "../../../src/errors/index.js";
import type { Store } from "../../../src/store/index.js";
import { backends, type Place } from "./backends.js";

for (const backend of backends)
  describe(`store on ${backend.kind}: controller tables`, () => {
    let place: Place;
    let store: Store;
    before(async () => {
      place = await backend.fresh();
      store = place.open();
    });
    after(async () => {
      await store.close();
    });

    it("records a pipeline run with its steps, newest run first", async () => {
      const first = await store.startPipelineRun({ environment: "test1", source: "app", branch: "test.1", commit: "a".repeat(40), trigger: "webhook:github" });
      const step = await store.startPipelineStep(first.id, "build", { images: ["app1-dev"] });
      await store.finishPipelineStep(first.id, step.seq, { status: "failed", error: "build failed" });
      await store.finishPipelineRun(first.id, { status: "failed", error: "build of app1-dev failed", summary: { built: [] } });
      const second = await store.startPipelineRun({ environment: "test1", source: "app", branch: "test.1", commit: "b".repeat(40), trigger: "poll" });
      const runs = await store.listPipelineRuns({ environment: "test1" });
      assert.deepEqual(
        runs.map((r) => [r.id, r.status]),
        [
          [second.id, "running"],
          [first.id, "failed"],
        ],
      );
      const steps = await store.listPipelineSteps(first.id);
      assert.deepEqual(
        steps.map((s) => [s.seq, s.name, s.status, s.error]),
        [[1, "build", "failed", "build failed"]],
      );
      assert.deepEqual((await store.getPipelineRun(first.id))?.summary, { built: [] });
    });

    it("records job runs, including skipped ones, with exit codes", async () => {
      const run = await store.startJobRun({ job: "nightly", trigger: "schedule", image: "reg/app:1" });
      await store.startJobRun({ job: "nightly", trigger: "schedule", status: "skipped", error: "the previous run still runs" });
      await store.finishJobRun(run.id, { status: "failed", exitCode: 3 });
      const runs = await store.listJobRuns({ job: "nightly" });
      assert.deepEqual(
        runs.map((r) => [r.status, r.exitCode ?? null, r.finishedAt !== undefined]),
        [
          ["skipped", null, true],
          ["failed", 3, true],
        ],
      );
    });

    it("keeps token hashes only, refuses a second token of one name, forgets revoked ones", async () => {
      await store.createToken("ci", "h1");
      await assert.rejects(store.createToken("ci", "h2"), (error: unknown) => error instanceof SlipwayError && error.code === "TOKEN_EXISTS");
      assert.equal((await store.useToken("h1"))?.name, "ci");
      assert.ok((await store.listTokens())[0]?.lastUsedAt);
      assert.equal(await store.revokeToken("ci"), true);
      assert.equal(await store.useToken("h1"), undefined);
    });

    it("tells a new webhook delivery from a re-delivery", async () => {
      const delivery = (provider: string, deliveryId: string) => ({ provider, deliveryId, event: "push", hints: [], receivedBy: "ctl" });
      assert.equal(await store.acceptDelivery(delivery("github", "d-1")), true);
      assert.equal(await store.acceptDelivery(delivery("github", "d-1")), false);
      assert.equal(await store.acceptDelivery(delivery("gitlab", "d-1")), true);
    });

    it("remembers watched values across a reopen", async () => {
      await store.setWatch("tag:reg/foo:qa", "sha256:1");
      await store.setWatch("tag:reg/foo:qa", "sha256:2");
      await store.close();
      store = place.open();
      assert.equal((await store.getWatch("tag:reg/foo:qa"))?.value, "sha256:2");
      assert.equal(await store.getWatch("nothing"), undefined);
    });
  });
