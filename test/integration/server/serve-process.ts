import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { SLIPWAY_BIN } from "../../harness/cli.js";

/** `slipway serve` as a separate process, as a supervisor runs it, with everything it prints. */
export interface ServeProcess {
  readonly url: string;
  /** stdout and stderr so far (the controller's JSON log lines and any error). */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `slipway <args> serve --listen 127.0.0.1:<port> <serveArgs>` in `cwd` (no dashboard unless serveArgs names one) and waits until /healthz answers. */
export async function startServe(
  cwd: string,
  args: readonly string[],
  port: number,
  serveArgs: readonly string[] = ["--dashboard", "off"],
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [SLIPWAY_BIN, ...args, "serve", "--listen", `127.0.0.1:${port}`, ...serveArgs], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slipway serve exited with ${child.exitCode}:\n${output}`);
    if ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`slipway serve did not answer /healthz within 30 s:\n${output}`);
    }
    await sleep(200);
  }
  return { url, output: () => output, stop };
}
