import { setTimeout as sleep } from "node:timers/promises";
import { connectEngine, type Engine } from "../../src/engine/index.js";
import { startTestHosts, type TestHost, type TestHosts } from "./netns-engine.js";

/**
 * A three-node Docker Swarm on this one machine: three test hosts (a dockerd each in its own
 * network namespace, ../shared/ENVIRONMENT.md), the first the manager, the two others workers.
 * The swarm's state lives in each host's own data root, so `stop()` (the hosts' teardown)
 * takes it down with everything else.
 */
export interface TestSwarm {
  readonly hosts: TestHosts;
  readonly manager: TestHost;
  readonly workers: readonly TestHost[];
  /** The manager's engine, as Slipway connects to it (its socket). */
  readonly engine: Engine;
  stop(): Promise<void>;
}

export async function startTestSwarm(options: { registry?: string } = {}): Promise<TestSwarm> {
  const hosts = await startTestHosts([{}, {}, {}], { betweenHosts: true, ...(options.registry === undefined ? {} : { registry: options.registry }) });
  try {
    const [manager, ...workers] = hosts.hosts;
    if (manager === undefined) throw new Error("no hosts started");
    await manager.docker(["swarm", "init", "--advertise-addr", manager.address]);
    const token = (await manager.docker(["swarm", "join-token", "-q", "worker"])).trim();
    for (const worker of workers) await worker.docker(["swarm", "join", "--advertise-addr", worker.address, "--token", token, `${manager.address}:2377`]);
    const engine = await connectEngine({ host: `unix://${manager.socket}` });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const nodes = await engine.swarm.listNodes();
      if (nodes.length === 3 && nodes.every((n) => n.state === "ready")) break;
      if (Date.now() > deadline) throw new Error(`the swarm's nodes did not all get ready: ${JSON.stringify(nodes)}`);
      await sleep(250);
    }
    return { hosts, manager, workers, engine, stop: () => hosts.stop() };
  } catch (error) {
    await hosts.stop();
    throw error;
  }
}
