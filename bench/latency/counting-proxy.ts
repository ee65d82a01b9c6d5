import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What crossed the proxy: TCP connections opened, payload bytes each way, HTTP requests. */
export interface WireCounts {
  readonly connections: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly requests: number;
}

export interface CountingProxy {
  /** 127.0.0.1:port: use it as the registry's host. */
  readonly host: string;
  counts(): Promise<WireCounts>;
  stop(): Promise<void>;
}

/** Forks counting-proxy-main.js in front of `upstream` (host:port) and waits until it listens. */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const child = fork(fileURLToPath(new URL("./counting-proxy-main.js", import.meta.url)), [upstream], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message: ProxyMessage) =>
      message.kind === "ready" ? resolve(message.port) : reject(new Error("the counting proxy did not start")),
    );
    child.once("exit", (code) => reject(new Error(`the counting proxy exited with ${code ?? "a signal"}`)));
  });
  return {
    host: `127.0.0.1:${port}`,
    counts: () => ask(child),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}

function ask(child: ChildProcess): Promise<WireCounts> {
  return new Promise((resolve) => {
    const onMessage = (message: ProxyMessage): void => {
      if (message.kind !== "stats") return;
      child.off("message", onMessage);
      const { connections, bytesUp, bytesDown, requests } = message;
      resolve({ connections, bytesUp, bytesDown, requests });
    };
    child.on("message", onMessage);
    child.send("stats");
  });
}

type ProxyMessage = { readonly kind: "ready"; readonly port: number } | ({ readonly kind: "stats" } & WireCounts);

/** b - a, field by field. */
export function wireDelta(a: WireCounts, b: WireCounts): WireCounts {
  return {
    connections: b.connections - a.connections,
    bytesUp: b.bytesUp - a.bytesUp,
    bytesDown: b.bytesDown - a.bytesDown,
    requests: b.requests - a.requests,
  };
}
