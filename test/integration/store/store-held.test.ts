import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SlipwayError } from "../../../src/errors/index.js";
import type { Store } from "../../../src/store/index.js";
import { backends, type Place } from "./backends.js";

for (const backend of backends)
  describe(`store on ${backend.kind}: held deploys, verdicts, freezes`, () => {
    let place: Place;
    let store: Store;
    before(async () => {
      place = await backend.fresh();
      store = place.open();
    });
    after(async () => {
      await store.close();
    });

    const request = (image: string) => ({ service: "web", environment: "prod", image, trigger: "cli", requestedBy: "carol", detail: { kind: "deploy" } });

    it("a newer request supersedes the waiting one of the same service and environment, not others'", async () => {
      const first = await store.holdDeploy(request("web:1"));
      const other = await store.holdDeploy({ ...request("web:1"), environment: "stage" });
      const second = await store.holdDeploy({ ...request("web:2"), deadline: new Date("2026-12-04T12:00:00Z") });
      assert.deepEqual(second.superseded, [first.held.id]);
      assert.deepEqual(other.superseded, []);
      const stored = await store.getHeld(first.held.id);
      assert.deepEqual([stored?.status, stored?.error], ["superseded", `superseded by held deploy #${second.held.id}`]);
      assert.deepEqual(second.held.deadline, new Date("2026-12-04T12:00:00Z"));
      assert.deepEqual(
        (await store.listHeld({ status: "waiting" })).map((h) => [h.id, h.environment]),
        [
          [second.held.id, "prod"],
          [other.held.id, "stage"],
        ],
      );
    });

    it("one verdict per person (a second replaces the first); none once it stopped waiting", async () => {
      const { held } = await store.holdDeploy(request("web:3"));
      await store.addVerdict(held.id, { actor: "alice", verdict: "approve", at: new Date("2026-12-03T10:00:00Z") });
      const twice = await store.addVerdict(held.id, { actor: "alice", verdict: "approve", reason: "read it", at: new Date("2026-12-03T10:01:00Z") });
      await store.addVerdict(held.id, { actor: "bob", verdict: "approve", at: new Date("2026-12-03T10:02:00Z") });
      assert.deepEqual(
        twice.verdicts.map((v) => [v.actor, v.reason]),
        [["alice", "read it"]],
      );
      assert.equal((await store.getHeld(held.id))?.verdicts.length, 2);
      await store.finishHeld(held.id, { status: "rejected", error: "rejected by dave" });
      await assert.rejects(
        store.addVerdict(held.id, { actor: "erin", verdict: "approve", at: new Date() }),
        (error: unknown) => error instanceof SlipwayError && error.code === "HELD_NOT_WAITING",
      );
      await assert.rejects(
        store.addVerdict(99_999, { actor: "erin", verdict: "approve", at: new Date() }),
        (error: unknown) => error instanceof SlipwayError && error.code === "HELD_NOT_FOUND",
      );
    });

    it("claim: one process takes a due held deploy, however many look", async () => {
      const { held } = await store.holdDeploy(request("web:4"));
      const other = place.open();
      try {
        const claims = await Promise.all([store.claimHeld(held.id), other.claimHeld(held.id), store.claimHeld(held.id)]);
        assert.deepEqual(claims.filter(Boolean).length, 1);
        const done = await other.finishHeld(held.id, { status: "succeeded", deployment: 42 });
        assert.deepEqual([done.status, done.deployment], ["succeeded", 42]);
      } finally {
        await other.close();
      }
    });

    it("supersedeWaiting ends the waiting ones of a service when a deploy of it ran at once", async () => {
      const { held } = await store.holdDeploy(request("web:5"));
      assert.deepEqual(await store.supersedeWaiting("web", "prod", "an urgent deploy ran"), [held.id]);
      assert.equal((await store.getHeld(held.id))?.status, "superseded");
      assert.deepEqual(await store.supersedeWaiting("web", "prod", "again"), []);
    });

    it("a freeze per environment, replaced by a newer one, cleared once", async () => {
      await store.setFreeze({
        environment: "prod",
        until: new Date("2026-12-27T00:00:00Z"),
        reason: "holidays",
        by: "ops",
        at: new Date("2026-12-03T00:00:00Z"),
      });
      await store.setFreeze({
        environment: "prod",
        until: new Date("2026-12-28T00:00:00Z"),
        reason: "holidays, longer",
        by: "ops",
        at: new Date("2026-12-04T00:00:00Z"),
      });
      assert.deepEqual(
        (await store.listFreezes()).map((f) => [f.environment, f.until.toISOString(), f.reason]),
        [["prod", "2026-12-28T00:00:00.000Z", "holidays, longer"]],
      );
      assert.equal(await store.clearFreeze("prod"), true);
      assert.equal(await store.clearFreeze("prod"), false);
      assert.deepEqual(await store.listFreezes(), []);
    });
  });
