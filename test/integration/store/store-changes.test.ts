import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Store } from "../../../src/store/index.js";
import type { StoreEvent } from "../../../src/store/store-events.js";
import { backends, type Place } from "./backends.js";

/** Waits until `events` holds one that `matches`, or fails naming what arrived. */
async function arrives(events: readonly StoreEvent[], matches: (event: StoreEvent) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!events.some(matches)) {
    assert.ok(Date.now() < deadline, `${what} within 5 s; got ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const backend of backends)
  describe(`store on ${backend.kind}: what another process records reaches watchChanges`, () => {
    let place: Place;
    let watcher: Store;
    let writer: Store;
    beforeEach(async () => {
      place = await backend.fresh();
      watcher = place.open();
      writer = place.open();
    });
    afterEach(async () => {
      await watcher.close();
      await writer.close();
    });

    it("hears another connection's writes, never its own announcements", async () => {
      const events: StoreEvent[] = [];
      const stop = await watcher.watchChanges((event) => events.push(event), { pollMs: 20 });
      try {
        const deployment = await writer.startDeployment({
          service: "web",
          environment: "prod",
          toRevision: 1,
          strategy: "recreate",
          trigger: "cli",
          holder: "h:1",
        });
        await writer.announce({ kind: "deployment", id: deployment.id, service: "web", environment: "prod" });
        // SQLite tells that the file changed; PostgreSQL tells what the writer announced.
        await arrives(events, (e) => (backend.kind === "sqlite" ? e.kind === "changed" : e.kind === "deployment" && e.id === deployment.id), "the write");
        await watcher.announce({ kind: "job", id: 1, job: "nightly" });
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.ok(!events.some((e) => e.kind === "job"), "its own announcement is not heard back");
        const heard = events.length;
        await watcher.startDeployment({ service: "web", environment: "prod", toRevision: 2, strategy: "recreate", trigger: "cli", holder: "h:1" });
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(events.length, heard, "its own writes are not reported as another's");
      } finally {
        await stop();
      }
      const after = events.length;
      await writer.startDeployment({ service: "web", environment: "prod", toRevision: 3, strategy: "recreate", trigger: "cli", holder: "h:1" });
      await writer.announce({ kind: "deployment", id: 99, service: "web", environment: "prod" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(events.length, after, "nothing arrives after stop");
    });
  });
