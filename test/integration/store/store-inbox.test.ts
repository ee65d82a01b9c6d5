import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { backends, postgres } from "./backends.js";

const push = (id: string, queueFor?: string) => ({
  provider: "github",
  deliveryId: id,
  event: "push",
  hints: [{ kind: "git", repo: ["https://git.example/app.git"], branch: "main", commit: "a".repeat(40) }],
  receivedBy: "ctl-b",
  ...(queueFor === undefined ? {} : { queueFor }),
});

for (const backend of backends)
  describe(`store on ${backend.kind}: the inbox of webhook deliveries`, () => {
    test("a delivery is queued once for its leader; a re-delivery is refused and queues nothing", async () => {
      const place = await backend.fresh();
      const store = place.open();
      assert.equal(await store.acceptDelivery(push("d-1", "controller")), true);
      assert.equal(await store.acceptDelivery(push("d-1", "controller")), false);
      assert.equal(await store.acceptDelivery(push("d-2")), true, "recorded, not queued: the controller acts on it itself");
      assert.equal(await store.acceptDelivery(push("d-2", "controller")), false, "a delivery recorded without queueing is still known");
      const queued = await store.listInbox({ status: "queued" });
      assert.deepEqual(
        queued.map((item) => [item.deliveryId, item.leadership, item.receivedBy]),
        [["d-1", "controller", "ctl-b"]],
      );
      assert.deepEqual(queued[0]?.hints, push("d-1").hints);
      await store.close();
    });

    test("deliveries accepted at once by several controllers all go in, each once, none refused", async () => {
      const place = await backend.fresh();
      const stores = [place.open(), place.open(), place.open(), place.open()];
      const ids = Array.from({ length: 80 }, (_, n) => `d-${n}`);
      const fresh = await Promise.all([...ids, ...ids.slice(0, 20)].map((id, n) => stores[n % stores.length]?.acceptDelivery(push(id, "controller"))));
      assert.equal(fresh.filter((f) => f === true).length, 80, "each new delivery accepted once");
      assert.equal((await stores[0]?.listInbox({ limit: 200 }))?.length, 80);
      await Promise.all(stores.map((store) => store.close()));
    });

    test("the leader takes what waits, once per term; the next term takes again what a lost term did not finish", async () => {
      const place = await backend.fresh();
      const store = place.open();
      for (const id of ["d-1", "d-2", "d-3"]) await store.acceptDelivery(push(id, "controller"));
      await store.acceptDelivery(push("d-4", "controller:shop"));
      const first = (await store.claimLeadership("controller", "ctl-a", 60_000)).leadership;
      const taken = await store.fenced(first).takeInbox(first, 2);
      assert.deepEqual(
        taken.map((item) => [item.deliveryId, item.takenBy, item.takenEpoch]),
        [
          ["d-1", "ctl-a", 1],
          ["d-2", "ctl-a", 1],
        ],
      );
      await store.fenced(first).finishInbox([taken[0]?.id ?? 0]);
      assert.deepEqual(
        (await store.takeInbox(first)).map((item) => item.deliveryId),
        ["d-3"],
        "a term does not take again what it holds",
      );
      assert.deepEqual(await store.takeInbox(first), []);

      await store.resignLeadership(first);
      const second = (await store.claimLeadership("controller", "ctl-b", 60_000)).leadership;
      assert.deepEqual(
        (await store.fenced(second).takeInbox(second)).map((item) => [item.deliveryId, item.takenEpoch]),
        [
          ["d-2", 2],
          ["d-3", 2],
        ],
        "what the lost term took and did not finish, not what it finished, nor another leadership's",
      );
      await assert.rejects(store.fenced(first).finishInbox([taken[1]?.id ?? 0]), /no longer leads/);
      assert.equal((await store.listInbox({ status: "done" })).length, 1);
      await store.close();
    });
  });

test("on PostgreSQL, a delivery queued by one controller wakes the others", async () => {
  const place = await postgres.fresh();
  const [leader, follower] = [place.open(), place.open()];
  const woken: string[] = [];
  const stop = await leader.watchInbox((leadership) => woken.push(leadership));
  await follower.acceptDelivery(push("d-1", "controller"));
  await follower.acceptDelivery(push("d-1", "controller"));
  const deadline = Date.now() + 5_000;
  while (woken.length === 0 && Date.now() < deadline) await sleep(20);
  await sleep(200);
  assert.deepEqual(woken, ["controller"], "one wake-up per queued delivery, none for a re-delivery");
  await stop();
  await Promise.all([leader.close(), follower.close()]);
});
