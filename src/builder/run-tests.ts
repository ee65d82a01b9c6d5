import type { Engine } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { redactText } from "../util/secret.js";
import type { ImageTest } from "./targets.js";

export interface TestOutcome {
  readonly name: string;
  readonly exitCode: number;
  readonly output: string;
  readonly durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const SHOWN_LINES = 20;

/**
 * Runs an image's tests, one after another, each in a fresh container of the built image.
 * The first failure throws TEST_FAILED with the test's last output lines; containers are
 * always removed.
 */
export async function runImageTests(
  engine: Engine,
  image: { name: string; imageId: string },
  tests: readonly ImageTest[],
  options: { labels: Record<string, string>; onOutput?: (text: string) => void; timeoutMs?: number },
): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = [];
  for (const test of tests) {
    const outcome = await runOne(engine, image.imageId, test, options);
    outcomes.push(outcome);
    options.onOutput?.(outcome.output);
    if (outcome.exitCode !== 0) {
      const lines = outcome.output.trimEnd().split("\n").slice(-SHOWN_LINES).map(redactText);
      throw new SlipwayError("TEST_FAILED", `test "${test.name}" of ${image.name} failed with exit code ${outcome.exitCode}`, {
        details: [`$ ${test.command.join(" ")}`, ...lines],
        hint: `fix the image or the test, then build again; ${image.name} and the images built on it were not pushed`,
      });
    }
  }
  return outcomes;
}

async function runOne(engine: Engine, imageId: string, test: ImageTest, options: { labels: Record<string, string>; timeoutMs?: number }): Promise<TestOutcome> {
  const started = Date.now();
  const id = await engine.createContainer({ image: imageId, command: test.command, env: { ...test.env }, labels: options.labels });
  try {
    await engine.startContainer(id);
    const timeout = test.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeout);
    });
    const exit = await Promise.race([engine.wait(id), timedOut]);
    clearTimeout(timer);
    if (exit === "timeout") await engine.stopContainer(id, { timeoutSeconds: 5 });
    const { stdout, stderr } = await engine.logs(id);
    const output = `${stdout}${stderr}${exit === "timeout" ? `\n(test timed out after ${timeout / 1000} s)\n` : ""}`;
    return { name: test.name, exitCode: exit === "timeout" ? 124 : exit, output, durationMs: Date.now() - started };
  } finally {
    await engine.removeContainer(id, { force: true });
  }
}
