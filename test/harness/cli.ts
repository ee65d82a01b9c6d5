import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The CLI as a user runs it. */
export const SLIPWAY_BIN = fileURLToPath(new URL("../../../bin/slipway.js", import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * bin/slipway.js with `args` in `cwd`, as a separate process with stdin closed. `env` adds to
 * this process's environment (undefined removes a variable). Resolves with the exit code (-1
 * when killed) and both outputs; never rejects.
 */
export function runSlipway(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [SLIPWAY_BIN, ...args],
      { cwd: options.cwd, env, timeout: options.timeoutMs ?? 120_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr }),
    );
    child.stdin?.end();
  });
}
