import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Engine } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { adminAnswers, connectProxyThrough, type AdminChannel, type Proxy } from "../proxy/index.js";
import { cachedProxyImage, proxyImageCacheFile, signatureOf, type ProxyImage } from "./image-cache.js";
import {
  DATA_PATH,
  findProxyImageInputs,
  proxyImageExecutables,
  HOST_PROXY_ADMIN,
  proxyImageTag,
  readContents,
  writeProxyImageContext,
  type ProxyImageInputs,
} from "./image.js";
import { sessionChannel } from "./admin-session.js";
import { describeStep, planHostProxy, PROXY_CONTAINER, type HostProxyStep, type ObservedProxy } from "./plan.js";

/** Labels on the proxy container and its data volume. */
export const PROXY_LABELS = { "dev.slipway.managed": "true", "dev.slipway.role": "proxy" } as const;
const DATA_VOLUME = "slipway-proxy-data";
const READY_TIMEOUT_MS = 15_000;

export interface HostProxyOptions {
  /** Where Caddy and busybox come from; found on this machine when not given. */
  readonly inputs?: ProxyImageInputs;
  /** Each step as it starts, e.g. to print it. */
  readonly onStep?: (line: string) => void;
  readonly readyTimeoutMs?: number;
}

export interface HostProxy {
  readonly proxy: Proxy;
  /** What it took this time; empty when the proxy was already running its current image. */
  readonly steps: readonly HostProxyStep[];
}

/**
 * Makes sure the host behind `engine` runs Slipway's proxy (Caddy in a container on the host's
 * network, its admin API on the host's loopback only) and connects to that admin API through the
 * engine: requests go through one exec in the proxy container (admin-session.ts), each over a
 * loopback connection `nc` makes there, so no port is opened beyond the host's loopback and the
 * engine's own authentication (ssh, TLS) guards it.
 */
export async function ensureHostProxy(engine: Engine, options: HostProxyOptions = {}): Promise<HostProxy> {
  const { inputs, tag } =
    options.inputs === undefined ? await thisMachinesProxyImage() : { inputs: options.inputs, tag: proxyImageTag(options.inputs, readContents) };
  const observed = await observeProxy(engine, tag);
  const steps = planHostProxy(observed, tag);
  if (steps.some((step) => step.kind === "build")) {
    const hostArch = (await engine.version()).arch;
    if (hostArch !== inputs.arch) {
      throw new SlipwayError(
        "PROXY_FAILED",
        `cannot build the proxy for ${engine.address}: that host runs ${hostArch}, and this machine's Caddy is ${inputs.arch}`,
        {
          hint: "deploy to it from a machine of the same architecture (its Caddy goes into the image); nothing was changed on the host",
        },
      );
    }
  }
  let containerId = observed.container?.id;
  for (const step of steps) {
    options.onStep?.(describeStep(step, engine.address));
    containerId = await runStep(engine, step, inputs, containerId, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  }
  if (containerId === undefined) throw new Error("no proxy container after ensuring it"); // planHostProxy always creates one
  return { proxy: await connectProxyThrough(proxyName(engine), sessionChannel(engine, containerId, HOST_PROXY_ADMIN)), steps };
}

/** The proxy of a host whose container already runs; PROXY_UNREACHABLE when there is none or it does not answer. */
export async function connectHostProxy(engine: Engine): Promise<Proxy> {
  const container = await findProxyContainer(engine);
  if (container === undefined || container.state !== "running") {
    throw new SlipwayError("PROXY_UNREACHABLE", `${proxyName(engine)} is not running (${container === undefined ? "no container" : container.state})`, {
      hint: "a deploy to the host starts it; `slipway doctor` checks it",
    });
  }
  return connectProxyThrough(proxyName(engine), sessionChannel(engine, container.id, HOST_PROXY_ADMIN));
}

export function proxyName(engine: Engine): string {
  return `the proxy on ${engine.address}`;
}

/** One exec of nc per request: for polling a proxy that is starting (a session would end at each refused connect). */
function adminChannel(engine: Engine, containerId: string): AdminChannel {
  const [host, port] = HOST_PROXY_ADMIN.split(":");
  return { adminAddress: HOST_PROXY_ADMIN, connect: () => engine.openExec(containerId, ["/bin/busybox", "nc", host ?? "127.0.0.1", port ?? ""]) };
}

async function findProxyContainer(engine: Engine) {
  const containers = await engine.listContainers({ labels: PROXY_LABELS, all: true });
  return containers.find((c) => c.name === PROXY_CONTAINER || c.name === `/${PROXY_CONTAINER}`);
}

async function observeProxy(engine: Engine, tag: string): Promise<ObservedProxy> {
  const [image, container] = await Promise.all([engine.inspectImage(tag), findProxyContainer(engine)]);
  return {
    imagePresent: image !== undefined,
    ...(container === undefined ? {} : { container: { id: container.id, image: container.image, running: container.state === "running" } }),
  };
}

async function runStep(
  engine: Engine,
  step: HostProxyStep,
  inputs: ProxyImageInputs,
  containerId: string | undefined,
  readyMs: number,
): Promise<string | undefined> {
  switch (step.kind) {
    case "build": {
      const contextDir = writeProxyImageContext(inputs);
      try {
        await engine.build({ contextDir, tags: [step.tag], labels: PROXY_LABELS });
      } finally {
        rmSync(contextDir, { recursive: true, force: true });
      }
      return containerId;
    }
    case "remove":
      await engine.removeContainer(step.id, { force: true });
      return undefined;
    case "create":
      return engine.createContainer({
        name: PROXY_CONTAINER,
        image: step.tag,
        labels: PROXY_LABELS,
        networks: [{ name: "host" }],
        restart: { name: "unless-stopped" },
        mounts: [{ type: "volume", source: DATA_VOLUME, target: DATA_PATH }],
      });
    case "start": {
      const id = step.id === "created" ? containerId : step.id;
      if (id === undefined) throw new Error("start: no proxy container was created");
      await engine.startContainer(id);
      await waitAnswering(engine, id, readyMs);
      return id;
    }
  }
}

async function waitAnswering(engine: Engine, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const channel = adminChannel(engine, id);
  while (Date.now() < deadline) {
    if (await adminAnswers(`http://${channel.adminAddress}`, 1_000, channel)) return;
    const details = await engine.inspectContainer(id);
    if (details !== undefined && !details.state.running && details.state.status !== "restarting") break;
    await sleep(100);
  }
  const { stdout, stderr } = await engine.logs(id, { tail: 20 }).catch(() => ({ stdout: "", stderr: "" }));
  throw new SlipwayError("PROXY_UNREACHABLE", `${proxyName(engine)} did not answer within ${timeoutMs / 1000} s of starting`, {
    details: (stderr + stdout).trim().split("\n").slice(-10),
    hint: `is port ${HOST_PROXY_ADMIN.split(":")[1] ?? ""} on that host's loopback taken? \`docker logs ${PROXY_CONTAINER}\` on the host says more`,
  });
}

let known: { readonly image: Promise<ProxyImage>; found?: { readonly signature: string | undefined } } | undefined;

/**
 * This machine's proxy image inputs and tag: from the cache between processes (image-cache.ts),
 * kept for the process, and looked at again when a file that goes in changed (Caddy upgraded
 * under a running serve). Callers at the same moment share one search.
 */
async function thisMachinesProxyImage(): Promise<ProxyImage> {
  if (known !== undefined) {
    if (known.found === undefined) return known.image;
    const { signature } = known.found;
    if (signature !== undefined && signature === signatureOf((await known.image).inputs)) return known.image;
  }
  const entry: NonNullable<typeof known> = {
    image: (async () =>
      cachedProxyImage(proxyImageCacheFile(), proxyImageExecutables(), async () => {
        const inputs = await findProxyImageInputs();
        return { inputs, tag: proxyImageTag(inputs, readContents) };
      }))(),
  };
  known = entry;
  try {
    const { inputs } = await entry.image;
    entry.found = { signature: signatureOf(inputs) };
  } catch (error) {
    if (known === entry) known = undefined;
    throw error;
  }
  return entry.image;
}
