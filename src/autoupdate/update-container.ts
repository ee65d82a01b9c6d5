import type { Engine } from "../engine/index.js";
import type { RawContainers } from "../engine/raw-create.js";
import { SlipwayError } from "../errors/index.js";
import type { ContainerInspect } from "./inspect-json.js";
import { planRecreate, type RecreateOrder, type RecreatePlan } from "./preflight.js";
import { waitReady, type ReadyOptions } from "./wait-ready.js";
import type { WatchMode } from "./watch-label.js";

export interface ForeignPorts {
  readonly engine: Engine;
  readonly raw: RawContainers;
  readonly log: (line: string) => void;
}

export interface ForeignUpdateOptions {
  /**
   * The new image, present locally (by ID or reference); or how to fetch it (a pull), called
   * only in update mode once the pre-flight passed, so a monitored or refused container pulls nothing.
   */
  readonly newImage: string | (() => Promise<string>);
  /** What the new container's Config.Image says; default: the old container's (e.g. myorg/foo:qa). */
  readonly reference?: string;
  readonly mode: WatchMode;
  readonly ready?: ReadyOptions;
}

export type ForeignUpdateReport =
  | { readonly status: "current"; readonly container: string }
  | { readonly status: "refused"; readonly container: string; readonly reason: string; readonly problems: readonly string[] }
  | {
      readonly status: "available";
      readonly container: string;
      /** The new image's local ID, when it is on this engine already (monitor mode pulls nothing). */
      readonly imageId?: string;
      readonly plan?: RecreatePlan;
      readonly problems?: readonly string[];
    }
  | {
      readonly status: "updated";
      readonly container: string;
      readonly id: string;
      readonly imageId: string;
      readonly previousImageId: string;
      readonly order: RecreateOrder;
    }
  | { readonly status: "failed"; readonly container: string; readonly reason: string; readonly previousImageId: string };

/**
 * Recreates a container Slipway did not create on a new image, from its inspected
 * configuration: pre-flight first (refusing, with nothing stopped, what cannot be reproduced
 * exactly), then the new container is created beside the old one, joined to every network,
 * and started before the old one stops when ports and addresses allow; otherwise the old one
 * stops first and is started again if the new one does not become ready. Nothing is left
 * stopped; the old container is removed (never its volumes) only once the new one is ready.
 */
export async function updateForeignContainer(ports: ForeignPorts, containerId: string, options: ForeignUpdateOptions): Promise<ForeignUpdateReport> {
  const { engine } = ports;
  const details = await engine.inspectContainer(containerId);
  if (details === undefined) {
    throw new SlipwayError("CONTAINER_NOT_FOUND", `there is no container ${containerId} on this Docker engine`, {
      hint: "it may have been removed since it was listed",
    });
  }
  const container = details.raw as unknown as ContainerInspect;
  const name = details.name;
  const known = typeof options.newImage === "string" ? await localImage(engine, options.newImage) : undefined;
  if (known === details.imageId) return { status: "current", container: name };

  const refusal = (problems: readonly string[]): ForeignUpdateReport => ({
    status: "refused",
    container: name,
    reason: `container ${name} cannot be recreated exactly, so it was left as it is: ${problems[0] ?? "?"}`,
    problems,
  });
  if (!details.state.running) return refusal(["it is not running (only running containers are updated)"]);
  const oldImage = await engine.inspectImage(details.imageId);
  if (oldImage === undefined) {
    return refusal([
      `its image ${details.imageId} is no longer on this engine, so the values the image provided (Env, Cmd, Labels...) cannot be told from the ones set by hand`,
    ]);
  }
  const preflight = planRecreate({
    container,
    oldImage: (oldImage.raw.Config ?? {}) as unknown as Readonly<Record<string, unknown>>,
    image: options.reference ?? details.image,
    others: await otherContainers(engine, details.id),
  });
  if (options.mode === "monitor") {
    return {
      status: "available",
      container: name,
      ...(known === undefined ? {} : { imageId: known }),
      ...(preflight.ok ? { plan: preflight.plan } : { problems: preflight.problems }),
    };
  }
  if (!preflight.ok) return refusal(preflight.problems);
  const imageId = known ?? (await localImage(engine, typeof options.newImage === "string" ? options.newImage : await options.newImage()));
  if (imageId === details.imageId) return { status: "current", container: name };
  return recreate(ports, { id: details.id, imageId: details.imageId, stopTimeout: stopTimeoutOf(container) }, preflight.plan, imageId, options.ready);
}

/** The local ID of an image named by ID or reference; IMAGE_NOT_FOUND when the engine has none. */
async function localImage(engine: Engine, image: string): Promise<string> {
  const found = await engine.inspectImage(image);
  if (found === undefined) throw new SlipwayError("IMAGE_NOT_FOUND", `there is no image ${image} on this Docker engine`, { hint: "pull it first" });
  return found.id;
}

interface OldContainer {
  readonly id: string;
  readonly imageId: string;
  readonly stopTimeout: number | undefined;
}

async function recreate(
  ports: ForeignPorts,
  old: OldContainer,
  plan: RecreatePlan,
  imageId: string,
  ready: ReadyOptions | undefined,
): Promise<ForeignUpdateReport> {
  const { engine, raw, log } = ports;
  const stop = (): Promise<void> => engine.stopContainer(old.id, old.stopTimeout === undefined ? {} : { timeoutSeconds: old.stopTimeout });
  const failed = (reason: string): ForeignUpdateReport => ({
    status: "failed",
    container: plan.name,
    reason: `container ${plan.name} was not updated: ${reason}; the old container runs as before`,
    previousImageId: old.imageId,
  });
  log(
    `${plan.name}: creating ${plan.temporaryName} from ${String(plan.body.Image)} (${plan.order}${plan.stopFirstBecause.length === 0 ? "" : `: ${plan.stopFirstBecause.join(", ")}`})`,
  );
  const id = await raw.create(plan.temporaryName, plan.body);
  try {
    for (const join of plan.connect) await raw.connect(join.network, id, join.endpoint);
    const created = await engine.inspectContainer(id);
    if (created?.imageId !== imageId) throw new Error(`the new container runs image ${created?.imageId ?? "?"}, not ${imageId} (the tag moved meanwhile)`);
  } catch (error) {
    await engine.removeContainer(id, { force: true });
    return failed(error instanceof Error ? error.message : String(error));
  }

  if (plan.order === "stop-first") await stop();
  const outcome = await engine.startContainer(id).then(
    () => waitReady(engine, id, ready),
    (error: unknown) => ({ ready: false as const, reason: error instanceof Error ? error.message : String(error) }),
  );
  if (!outcome.ready) {
    const logs = await engine.logs(id, { tail: 20 }).catch(() => ({ stdout: "", stderr: "" }));
    await engine.removeContainer(id, { force: true });
    if (plan.order === "stop-first") await engine.startContainer(old.id);
    log(
      `${plan.name}: the new container failed (${outcome.reason}); ${plan.order === "stop-first" ? "started the old one again" : "the old one kept running"}\n${logs.stdout}${logs.stderr}`,
    );
    return failed(outcome.reason);
  }
  if (plan.order === "start-first") await stop();
  await engine.removeContainer(old.id, { volumes: false });
  await raw.rename(id, plan.name);
  log(`${plan.name}: updated to image ${imageId}`);
  return { status: "updated", container: plan.name, id, imageId, previousImageId: old.imageId, order: plan.order };
}

/** Every other container's name and HostConfig (for name clashes and shared namespaces). */
async function otherContainers(engine: Engine, self: string): Promise<{ name: string; hostConfig: Readonly<Record<string, unknown>> }[]> {
  const all = await engine.listContainers({ all: true });
  const others = await Promise.all(all.filter((c) => c.id !== self).map((c) => engine.inspectContainer(c.id)));
  return others.flatMap((other) =>
    other === undefined ? [] : [{ name: other.name, hostConfig: other.raw.HostConfig as unknown as Readonly<Record<string, unknown>> }],
  );
}

function stopTimeoutOf(container: ContainerInspect): number | undefined {
  const value = container.Config.StopTimeout;
  return typeof value === "number" ? value : undefined;
}
