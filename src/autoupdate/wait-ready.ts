import type { Engine } from "../engine/index.js";

export interface ReadyOptions {
  /** Give up after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** Without a healthcheck: how long it must keep running (default 2 s). */
  readonly settleMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const POLL_MS = 200;

/**
 * Waits until a just-started container is ready: healthy when it has a healthcheck, else
 * still running after `settleMs`. Resolves with the reason when it is not.
 */
export async function waitReady(engine: Engine, id: string, options: ReadyOptions = {}): Promise<{ ready: true } | { ready: false; reason: string }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const settleUntil = Date.now() + (options.settleMs ?? 2_000);
  for (;;) {
    const details = await engine.inspectContainer(id);
    if (details === undefined) return { ready: false, reason: "the new container disappeared" };
    const { state } = details;
    if (!state.running || state.status === "restarting")
      return { ready: false, reason: `the new container ${state.status === "restarting" ? "is restarting" : `exited with code ${state.exitCode}`}` };
    if (state.health === "unhealthy") return { ready: false, reason: "the new container is unhealthy" };
    if (state.health === "healthy" || (state.health === undefined && Date.now() >= settleUntil)) return { ready: true };
    if (Date.now() >= deadline) return { ready: false, reason: `the new container was not ${state.health === undefined ? "running" : "healthy"} in time` };
    await sleep(POLL_MS);
  }
}
