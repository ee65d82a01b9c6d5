import type { Engine } from "../../src/engine/index.js";
import { httpdCommand } from "../../test/harness/base-image.js";
import { testLabels, testName } from "../../test/harness/labels.js";
import { freePort, get } from "../../test/integration/proxy/helpers.js";
import { CLIENTS, TIMEOUT_MS } from "./iteration.js";
import { startLiveLoad } from "./load.js";

/**
 * The physical floor of any v1 -> v2 update on this machine: "pull" (the image is local, so it is
 * the no-op check `inspectImage` that finds it), create and start a v2 container through the engine
 * adapter, then poll it every 10 ms until it first answers v2. In ms; the container is removed after.
 */
export async function measureFloor(engine: Engine, image: string, body: string, containers = 1): Promise<number> {
  const ports = await Promise.all(Array.from({ length: containers }, () => freePort()));
  const start = performance.now();
  if ((await engine.inspectImage(image)) === undefined) throw new Error(`${image} is not local`);
  const ids: string[] = [];
  try {
    // Several containers are created and started at once, as a deployment that needs them all does.
    await Promise.all(
      ports.map(async (port) => {
        const id = await engine.createContainer({
          name: testName("bench-floor"),
          image,
          command: httpdCommand(8080),
          labels: testLabels(),
          ports: [{ containerPort: 8080, hostPort: port, hostIp: "127.0.0.1" }],
        });
        ids.push(id);
        await engine.startContainer(id);
        await firstAnswer(`http://127.0.0.1:${port}/`, body, 10_000);
      }),
    );
    return performance.now() - start;
  } finally {
    await Promise.all(ids.map((id) => engine.removeContainer(id, { force: true })));
  }
}

async function firstAnswer(url: string, body: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const answer = await get(url, 1_000).catch(() => undefined);
    if (answer?.status === 200 && answer.body === body) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${url} did not answer ${body} within ${timeoutMs} ms`);
}

/**
 * The same floor while the bench's load (8 closed-loop clients, on their worker thread) runs
 * against `url` — the conditions every method is measured in. 300 ms of load first, as in an
 * iteration.
 */
export async function measureFloorUnderLoad(engine: Engine, image: string, body: string, url: string, containers = 1): Promise<number> {
  const load = startLiveLoad(url, { clients: CLIENTS, timeoutMs: TIMEOUT_MS });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return await measureFloor(engine, image, body, containers);
  } finally {
    await load.stop();
  }
}
