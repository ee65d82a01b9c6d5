import type { Engine } from "../../src/engine/index.js";
import { httpdCommand } from "../../test/harness/base-image.js";
import { testLabels, testName } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import type { StagedImage } from "./staged-image.js";
import { watchFor } from "./watch.js";

/** The physical floor of "a new version answers" on this machine, and its parts (ms). */
export interface Floor {
  readonly totalMs: number;
  /** `pull` by digest of an image the engine does not have. */
  readonly pullMs: number;
  /** create + start of a container from it. */
  readonly startMs: number;
  /** From start returned until the first answer with its body (10 ms client poll). */
  readonly answerMs: number;
}

/**
 * Pull (by digest, the image absent from the engine) + create + start + first successful
 * answer, through the engine adapter, the client polling the container's published port every
 * 10 ms on a worker thread. Afterwards the container and the image are removed, so the next
 * round pulls again.
 */
export async function measureFloor(engine: Engine, image: StagedImage): Promise<Floor> {
  if ((await engine.inspectImage(image.pinned)) !== undefined) throw new Error(`${image.pinned} is on the engine already: the floor must pull it`);
  const port = await freePort();
  const watch = watchFor(`http://127.0.0.1:${port}/`, image.body, { timeoutMs: 60_000 });
  const started = now();
  let id: string | undefined;
  let imageId: string | undefined;
  try {
    imageId = (await engine.pull(image.pinned)).imageId;
    const pulled = now();
    id = await engine.createContainer({
      name: testName("bench-latency-floor"),
      image: imageId,
      command: httpdCommand(8080),
      labels: testLabels(),
      ports: [{ containerPort: 8080, hostPort: port, hostIp: "127.0.0.1" }],
    });
    await engine.startContainer(id);
    const running = now();
    const answer = await watch.answered;
    return { totalMs: answer.at - started, pullMs: pulled - started, startMs: running - pulled, answerMs: answer.at - running };
  } finally {
    await watch.stop();
    if (id !== undefined) await engine.removeContainer(id, { force: true });
    if (imageId !== undefined) await engine.removeImage(imageId, { force: true });
  }
}

function now(): number {
  return performance.timeOrigin + performance.now();
}
