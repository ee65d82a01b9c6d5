import { parseArgs } from "node:util";
import { buildWebImages, ensureListenerMigration, startDeployWorld } from "../../test/harness/deploy.js";
import { ensureEngine } from "../../test/harness/engine.js";
import { cleanupTestRun } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import { measureFloor, measureFloorUnderLoad } from "./floor.js";
import { runIteration } from "./iteration.js";
import { blueGreenMethod, rollingMethod } from "./slipway-methods.js";
import { median, ms } from "./stats.js";

/**
 * Where a Slipway rollout spends its time: `--runs` updates under load per strategy, each
 * deployment's recorded steps (started -> finished, ms) and the "only v2 after" figure, next
 * to the floor. For finding what to make faster; the benchmark itself is run.ts.
 * usage: node dist/bench/rollout/profile.js [--runs 5] [--only blue-green,rolling] [--drain 500]
 */
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    only: { type: "string", default: "blue-green,rolling" },
    drain: { type: "string", default: "500" },
    "floor-under-load": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const drainMs = Number(values.drain);
const loadedFloor = values["floor-under-load"] === true;
const only = new Set((values.only ?? "").split(","));
console.error(ensureListenerMigration());
const engine = await ensureEngine();
const world = await startDeployWorld(engine, await freePort());
try {
  const built = await buildWebImages(engine, ["v1", "v2"]);
  const images = { v1: built.v1 ?? "", v2: built.v2 ?? "" };
  const methods = [blueGreenMethod(world, images, { drainMs }), rollingMethod(world, images, { drainMs })].filter((m) => only.has(m.id));
  const floors: number[] = [];
  const onlyNew = new Map<string, number[]>();
  for (let round = 1; round <= runs; round += 1) {
    floors.push(await measureFloor(engine, images.v2, "v2"));
    if (loadedFloor && methods[0] !== undefined) {
      const underLoad = await measureFloorUnderLoad(engine, images.v2, "v2", await methods[0].serveV1());
      console.log(`${round} floor ${ms(floors.at(-1) ?? Number.NaN)}, under load ${ms(underLoad)}`);
    }
    for (const method of methods) {
      const result = await runIteration(method);
      onlyNew.set(method.id, [...(onlyNew.get(method.id) ?? []), result.onlyNewMs]);
      const [deployment] = await world.store.listDeployments({ limit: 1 });
      const steps = deployment === undefined ? [] : await world.store.listSteps(deployment.id);
      const begin = deployment?.startedAt.getTime() ?? 0;
      const line = steps
        .map((s) => `${s.name} +${s.startedAt.getTime() - begin} ${(s.finishedAt?.getTime() ?? Number.NaN) - s.startedAt.getTime()}`)
        .join(", ");
      console.log(
        `${round} ${method.id}: only v2 ${ms(result.onlyNewMs)}, failed ${result.failed}, tool ${ms(result.toolMs)}, floor ${ms(floors.at(-1) ?? Number.NaN)} | ${line}`,
      );
    }
  }
  const floor = median(floors);
  for (const [id, values] of onlyNew)
    console.log(`${id}: only v2 median ${ms(median(values))}, floor median ${ms(floor)}, ratio ${(median(values) / floor).toFixed(2)}x`);
} finally {
  await world.stop();
  await cleanupTestRun(engine);
}
