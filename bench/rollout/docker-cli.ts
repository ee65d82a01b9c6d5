import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs a program with an argv array (no shell) and returns its trimmed stdout; throws with its stderr. */
export async function exec(file: string, args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  try {
    const { stdout } = await run(file, [...args], { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const stderr = typeof error === "object" && error !== null && "stderr" in error ? String(error.stderr) : "";
    throw new Error(`${file} ${args.join(" ")} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

export function docker(args: readonly string[]): Promise<string> {
  return exec("docker", args);
}
