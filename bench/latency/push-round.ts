import { setTimeout as sleep } from "node:timers/promises";
import type { Engine } from "../../src/engine/index.js";
import type { Store } from "../../src/store/index.js";
import { measureFloor, type Floor } from "./floor.js";
import { modeName, type LatencyWorld } from "./latency-world.js";
import { readTimeline, type Timeline } from "./timeline.js";
import { waitForBody } from "../../test/integration/proxy/helpers.js";
import { watchFor } from "./watch.js";

/** One round of one mode: the floor, then push -> the new version answering through Caddy. */
export interface RoundResult {
  readonly mode: string;
  readonly round: number;
  readonly floor: Floor;
  /** How long the "push" (blob mounts + manifest PUT of the watched tag) took; t0 is its end. */
  readonly pushMs: number;
  /** From t0 until the first answer with the new body arrived at the client. */
  readonly latencyMs: number;
  /** latencyMs - floor.totalMs */
  readonly overFloorMs: number;
  /** Requests of the client during the update that failed (the old version must keep serving). */
  readonly failedRequests: number;
  readonly timeline: Timeline;
  /** Every check of the service the controller logged in the round ("auto-update checked"): ms after t0, trigger, outcome. */
  readonly checks: readonly { readonly at: number; readonly trigger: string; readonly status: string; readonly digest: string }[];
}

/**
 * The floor (pull + start + first answer, same machine, just before), then: the client starts
 * polling the service's published port every 10 ms; the new image is put under the watched tag
 * (t0 = the manifest PUT returned); the round ends when the client got the new body, the
 * deployment finished and the controller's queue is idle. In poll mode the push waits a random
 * part of the interval first, so it lands anywhere in the poll cycle.
 */
export async function runRound(engine: Engine, store: Store, world: LatencyWorld, round: number): Promise<RoundResult> {
  const image = world.rounds[round - 1];
  if (image === undefined) throw new Error(`no staged image for round ${round}`);
  const floor = await measureFloor(engine, world.floorImage);
  if (world.mode.kind === "poll") await sleep(Math.random() * world.mode.intervalMs);
  const watch = watchFor(world.url, image.body, { timeoutMs: missAfterMs(world) });
  try {
    const pushStart = now();
    await world.push(image);
    const t0 = now();
    const answer = await watch.answered.catch(async (error: unknown) => {
      throw await recoverMissed(world, image.body, image.digest, { pushStart, t0, error });
    });
    await finished(world, image.digest, 60_000);
    await world.controller.queue.idle();
    const timeline = await readTimeline({ log: world.log, store, service: world.service, digest: image.digest, t0, since: pushStart });
    const latencyMs = answer.at - t0;
    const checks = checksSince(world, pushStart, t0);
    return {
      mode: modeName(world.mode),
      round,
      floor,
      pushMs: t0 - pushStart,
      latencyMs,
      overFloorMs: latencyMs - floor.totalMs,
      failedRequests: answer.failures,
      timeline,
      checks,
    };
  } finally {
    await watch.stop();
  }
}

/** How long a round waits for the new version before it counts as missed: well past any normal update. */
function missAfterMs(world: LatencyWorld): number {
  return world.mode.kind === "poll" ? 2 * world.mode.intervalMs + 15_000 : 15_000;
}

/**
 * The new version did not answer in time: say what the controller's checks of the service saw
 * (e.g. a webhook check that re-read the OLD digest), then have the controller re-check
 * (Controller.recheck, as its daily full re-check does) so the next round starts clean.
 */
async function recoverMissed(world: LatencyWorld, body: string, digest: string, round: { pushStart: number; t0: number; error: unknown }): Promise<Error> {
  const checks = checksSince(world, round.pushStart, round.t0);
  const seen =
    checks.length === 0 ? "no check of the service at all" : checks.map((c) => `${c.trigger} at ${Math.round(c.at)} ms: ${c.status} ${c.digest}`).join("; ");
  world.controller.recheck("bench-recover");
  const recovered = await waitForBody(world.url, body, 60_000).then(
    () => "a re-check deployed it",
    (error: unknown) => `a re-check did not deploy it either (${String(error)})`,
  );
  await finished(world, digest, 60_000).catch(() => undefined);
  await world.controller.queue.idle();
  return new Error(`missed: ${String(round.error)}; the controller's checks after the push (new digest ${digest}): ${seen}; ${recovered}`);
}

function checksSince(world: LatencyWorld, since: number, t0: number): RoundResult["checks"] {
  return world.log
    .filter((entry) => entry.msg === "auto-update checked" && entry.time >= Math.floor(since))
    .map((entry) => ({ at: entry.time - t0, trigger: String(entry.trigger), status: String(entry.status), digest: String(entry.digest) }));
}

/** Until the controller logged the end of the check that deployed `digest`. */
async function finished(world: LatencyWorld, digest: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const done = world.log.find((entry) => entry.msg === "auto-update checked" && entry.digest === digest);
    if (done !== undefined) {
      if (done.status !== "updated") throw new Error(`the auto-update to ${digest} ended ${String(done.status)}`);
      return;
    }
    await sleep(50);
  }
  throw new Error(`the controller did not finish updating to ${digest} within ${timeoutMs / 1000} s`);
}

function now(): number {
  return performance.timeOrigin + performance.now();
}
