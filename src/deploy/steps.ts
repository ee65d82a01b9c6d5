import type { Store } from "../store/index.js";

/**
 * Runs a deployment's steps, each recorded in the store (status started) before it acts and
 * marked done or failed after. A process killed in between leaves the record saying exactly
 * how far it got, which is what resuming reads.
 */
export class StepRunner {
  constructor(
    private readonly store: Pick<Store, "startStep" | "finishStep">,
    private readonly deploymentId: number,
    private readonly fault: string | undefined,
  ) {}

  /** `failed` turns a result into a failed step without throwing (a watch whose verdict is a failure). */
  async run<T>(name: string, detail: Readonly<Record<string, unknown>>, act: () => Promise<T>, failed?: (result: T) => string | undefined): Promise<T> {
    const step = await this.store.startStep(this.deploymentId, name, detail);
    this.inject("before", name);
    let result: T;
    try {
      result = await act();
    } catch (error) {
      await this.store.finishStep(this.deploymentId, step.seq, { status: "failed", error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    this.inject("after", name);
    const problem = failed?.(result);
    await this.store.finishStep(this.deploymentId, step.seq, problem === undefined ? { status: "done" } : { status: "failed", error: problem });
    return result;
  }

  /** SLIPWAY_FAULT=before:switch kills this process right after the switch step is recorded. */
  private inject(phase: "before" | "after", name: string): void {
    if (this.fault === `${phase}:${name}`) process.kill(process.pid, "SIGKILL");
  }
}
