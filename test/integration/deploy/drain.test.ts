import assert from "node:assert/strict";
import { test } from "node:test";
import { deployService } from "../../../src/deploy/index.js";
import { assertNoFailedRequests, assertOnlyAnswers, deployV1, newWebService, underLoad, useDeployFixture } from "./fixture.js";

const fixture = useDeployFixture();

test("the drain ends when the proxy has nothing in flight to the old revision, not after the whole update.drain", async () => {
  const { world } = fixture();
  const drainMs = 8_000;
  const web = await newWebService(fixture(), "drain", { update: { strategy: "blue-green", batch: 1, drainMs, keep: 5, allowSharedVolumes: false } });
  await deployV1(fixture(), web);

  const { result, samples, doneAt } = await underLoad(web.url, () => deployService(world.ports, { spec: web.v2, trigger: "test" }));

  assert.equal(result.status, "succeeded");
  assertNoFailedRequests(samples);
  assertOnlyAnswers(samples, doneAt, "v2");
  const deployment = result.status === "succeeded" ? result.deployment : undefined;
  const drain = (await world.store.listSteps(deployment?.id ?? 0)).find((s) => s.name === "drain");
  assert.ok(drain?.finishedAt !== undefined, "no finished drain step");
  const tookMs = drain.finishedAt.getTime() - drain.startedAt.getTime();
  assert.ok(tookMs < drainMs / 2, `the drain took ${tookMs} ms of at most ${drainMs}: it did not end when nothing was in flight`);
});
