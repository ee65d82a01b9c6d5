import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { isSlipwayError } from "../../../src/errors/index.js";
import { backends } from "./backends.js";

// Long enough that a claim never outlives it on a loaded machine (CI runs three files at once), short enough to wait out.
const LEASE_MS = 1_500;

for (const backend of backends)
  describe(`store on ${backend.kind}: leadership and fenced writes`, () => {
    test("one holder leads; it renews in the same term; once its lease runs out another takes the next epoch", async () => {
      const place = await backend.fresh();
      const [a, b] = [place.open(), place.open()];
      const first = await a.claimLeadership("controller", "ctl-a", LEASE_MS);
      assert.deepEqual([first.acquired, first.leadership.holder, first.leadership.epoch], [true, "ctl-a", 1]);
      const refused = await b.claimLeadership("controller", "ctl-b", LEASE_MS);
      assert.deepEqual([refused.acquired, refused.leadership.holder, refused.leadership.epoch], [false, "ctl-a", 1]);
      await sleep(5); // timestamps are in milliseconds: a renewal in the same one would not be later
      const renewed = await a.claimLeadership("controller", "ctl-a", LEASE_MS);
      assert.deepEqual([renewed.acquired, renewed.leadership.epoch], [true, 1]);
      assert.deepEqual(renewed.leadership.since, first.leadership.since, "a renewal is the same term");
      assert.ok(renewed.leadership.expiresAt > first.leadership.expiresAt);
      await sleep(LEASE_MS + 100);
      const taken = await b.claimLeadership("controller", "ctl-b", LEASE_MS);
      assert.deepEqual([taken.acquired, taken.leadership.holder, taken.leadership.epoch], [true, "ctl-b", 2]);
      assert.equal((await a.claimLeadership("controller", "ctl-a", LEASE_MS)).acquired, false);
      assert.equal((await a.getLeadership("controller"))?.holder, "ctl-b");
      await Promise.all([a.close(), b.close()]);
    });

    test("of controllers racing for a free leadership, exactly one wins", async () => {
      const place = await backend.fresh();
      const stores = [place.open(), place.open(), place.open()];
      const claims = await Promise.all(stores.map((store, n) => store.claimLeadership("controller", `ctl-${n}`, 10_000)));
      assert.equal(claims.filter((c) => c.acquired).length, 1);
      assert.equal(new Set(claims.map((c) => `${c.leadership.holder}/${c.leadership.epoch}`)).size, 1);
      await Promise.all(stores.map((store) => store.close()));
    });

    test("a fenced store writes while its term holds, and nothing once the lease ran out or another took over", async () => {
      const place = await backend.fresh();
      const [a, b] = [place.open(), place.open()];
      const term = (await a.claimLeadership("controller", "ctl-a", LEASE_MS)).leadership;
      const leader = a.fenced(term);
      const run = await leader.startJobRun({ job: "nightly", trigger: "schedule" });
      await leader.finishJobRun(run.id, { status: "succeeded", exitCode: 0 });

      await sleep(LEASE_MS + 100); // paused past its lease: nobody has taken over yet
      const lost = (error: unknown): boolean => isSlipwayError(error, "LEADERSHIP_LOST") && /ctl-a no longer leads \(controller, epoch 1\)/.test(error.message);
      await assert.rejects(leader.startJobRun({ job: "nightly", trigger: "schedule" }), lost);
      await assert.rejects(leader.startPipelineRun({ environment: "prod", source: "app", branch: "main", commit: "c".repeat(40), trigger: "poll" }), lost);

      const next = (await b.claimLeadership("controller", "ctl-b", 10_000)).leadership;
      assert.equal(next.epoch, 2);
      await assert.rejects(leader.appendAudit({ actor: "controller", action: "job.run", subject: "nightly", detail: {} }), lost);
      // the old leader, renewing, does not get its term back
      assert.equal((await a.claimLeadership("controller", "ctl-a", LEASE_MS)).acquired, false);
      await assert.rejects(leader.startJobRun({ job: "nightly", trigger: "schedule" }), lost);

      const follower = b.fenced(next);
      await follower.startJobRun({ job: "nightly", trigger: "schedule" });
      assert.deepEqual(
        (await leader.listJobRuns({ job: "nightly" })).map((r) => r.status),
        ["running", "succeeded"],
        "the lost leader still reads; of its writes only those made in its term landed",
      );
      assert.equal((await a.listAudit()).length, 0);
      await Promise.all([a.close(), b.close()]);
    });

    test("a leader that resigns hands over at once, and its fenced writes stop", async () => {
      const place = await backend.fresh();
      const [a, b] = [place.open(), place.open()];
      const term = (await a.claimLeadership("controller", "ctl-a", 60_000)).leadership;
      assert.equal(await a.resignLeadership(term), true);
      assert.equal(await a.resignLeadership(term), false);
      await assert.rejects(a.fenced(term).setWatch("k", "v"), (error: unknown) => isSlipwayError(error, "LEADERSHIP_LOST"));
      const taken = await b.claimLeadership("controller", "ctl-b", 60_000);
      assert.deepEqual([taken.acquired, taken.leadership.epoch], [true, 2]);
      await Promise.all([a.close(), b.close()]);
    });
  });
