import { randomBytes } from "node:crypto";
import type { RegistryPool } from "../builder/registry-reader.js";
import type { JobConfig } from "../config/index.js";
import type { Engine, LogChunk, MountSpec, RegistryCredentials } from "../engine/index.js";
import { ensureHostDirs, hostDirMounts, hostDirs, launchEnv, newestFor, type NewestImage } from "../images/index.js";
import { normalizeReference } from "../reference/index.js";
import type { JobRunRecord, Store } from "../store/index.js";
import { Secret } from "../util/secret.js";
import { openJobLog, type JobLog } from "./job-log.js";
import type { JobImage } from "./job-setup.js";
import { createStreamRedactor, type StreamRedactor } from "./redact-stream.js";

/** Labels on every job container. */
export const JOB_LABEL = { job: "dev.slipway.job", run: "dev.slipway.job.run" } as const;

/** Seconds between the stop signal and SIGKILL when a run times out or is aborted. */
const DEFAULT_STOP_GRACE_SECONDS = 10;
/** How long the log stream may lag behind the container's exit. */
const LOG_DRAIN_MS = 5_000;

export interface JobPorts {
  readonly engine: Engine;
  readonly store: Store;
  readonly registries: RegistryPool;
  /** Credentials for pulling from the configured registry (the engine's own otherwise). */
  readonly credentials?: RegistryCredentials;
  /** Progress lines for people (never output of the job, never env values). */
  readonly log?: (line: string) => void;
  /** The controller running it, recorded with the run. */
  readonly controller?: string;
}

export interface JobRunInput {
  readonly name: string;
  readonly config: JobConfig;
  /** The repository the job's image is pushed to, its tag scheme, and the environment's tag (jobImage). */
  readonly image: JobImage;
  /** The job's own variables (jobEnv); the container gets them and Slipway's (launchEnv). Only the names reach the log, never a value. */
  readonly env: Readonly<Record<string, string | Secret>>;
  /** The image's home directory on the host (jobHome): its data/, logs/, config/ and tmp/ are mounted, made when missing. */
  readonly home: string;
  readonly logDir: string;
  /** "schedule", "cli", "api", "launcher". */
  readonly trigger: string;
  /** Aborting stops the container (stop, then kill after the grace). */
  readonly signal?: AbortSignal;
  /** Each chunk of output as it arrives (secrets redacted), e.g. to echo it on a terminal. */
  readonly onOutput?: (chunk: LogChunk) => void;
  /** Extra labels for the container. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly stopGraceSeconds?: number;
}

/**
 * One run of a job: resolves the newest image of the job's repository in its registry
 * (by tag scheme), pulls it only when it is not local, runs the command (argv, never a
 * shell string) in a new container with the image's host directories and the variables
 * `slipway run` gives (IMAGE_NAME, IMAGE_VERSION, DATA_DIR, …), streams stdout and stderr into the job's log, enforces
 * the timeout, removes the container once its logs are in, and records the run.
 * Returns the finished record whatever the exit code; throws (after recording the run as
 * failed) only when the run could not start: no image, a registry or engine failure.
 */
export async function runJob(ports: JobPorts, input: JobRunInput): Promise<JobRunRecord> {
  const { store } = ports;
  const record = await store.startJobRun({
    job: input.name,
    trigger: input.trigger,
    ...(ports.controller === undefined ? {} : { controller: ports.controller }),
  });
  let log: JobLog | undefined;
  try {
    const image = await resolveImage(ports, input);
    const dirs = hostDirs(input.home);
    await ensureHostDirs(dirs);
    const env = launchEnv(input.env, { name: input.image.name, version: image.tag });
    log = openJobLog({ dir: input.logDir, job: input.name, maxSize: input.config.log.max_size, files: input.config.log.files });
    log.writeHeader({
      at: new Date(),
      image: image.reference,
      version: image.tag,
      command: input.config.command,
      trigger: input.trigger,
      envKeys: Object.keys(env),
    });
    const outcome = await runContainer(ports, input, { image, env, mounts: hostDirMounts(dirs) }, record.id, log);
    log.write(`=== ${outcome.summary}\n`);
    return await store.finishJobRun(record.id, {
      status: outcome.exitCode === 0 && outcome.stopped === undefined ? "succeeded" : "failed",
      exitCode: outcome.exitCode,
      image: image.reference,
      ...(outcome.exitCode === 0 && outcome.stopped === undefined ? {} : { error: outcome.summary }),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log?.write(`=== could not run: ${message}\n`);
    await store.finishJobRun(record.id, { status: "failed", error: message });
    throw error;
  } finally {
    await log?.close();
  }
}

async function resolveImage(ports: JobPorts, input: JobRunInput): Promise<NewestImage> {
  const { repository, scheme, environment } = input.image;
  const client = ports.registries.client(normalizeReference(repository).domain);
  const newest = await newestFor(client, { repository, scheme }, environment);
  if ((await ports.engine.inspectImage(newest.reference)) === undefined) {
    ports.log?.(`pulling ${newest.reference}`);
    await ports.engine.pull(newest.reference, {
      ...(ports.credentials === undefined ? {} : { credentials: ports.credentials }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
  }
  return newest;
}

interface Outcome {
  readonly exitCode: number;
  /** Why Slipway stopped the container, when it did. */
  readonly stopped?: "timeout" | "aborted";
  readonly summary: string;
}

/** What one run's container is made of. */
interface RunContainer {
  readonly image: NewestImage;
  readonly env: Readonly<Record<string, string | Secret>>;
  readonly mounts: readonly MountSpec[];
}

async function runContainer(ports: JobPorts, input: JobRunInput, container: RunContainer, runId: number, log: JobLog): Promise<Outcome> {
  const { engine } = ports;
  const { image } = container;
  const started = Date.now();
  const id = await engine.createContainer({
    name: `slipway-job-${input.name}-${runId}-${randomBytes(2).toString("hex")}`,
    image: image.reference,
    command: input.config.command,
    env: Object.fromEntries(Object.entries(container.env).map(([key, value]) => [key, value instanceof Secret ? value.reveal() : value])),
    mounts: container.mounts,
    labels: { ...input.labels, [JOB_LABEL.job]: input.name, [JOB_LABEL.run]: String(runId) },
  });
  try {
    await engine.startContainer(id);
    ports.log?.(`job ${input.name} run ${runId} started in ${image.reference}`);
    const stopper = watchStops(engine, id, input);
    const follow = new AbortController();
    const output = collectOutput(engine, id, input, log, follow.signal).catch((error: unknown) => {
      log.write(`=== the output stopped being collected: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    const exitCode = await engine.wait(id).finally(() => stopper.cancel());
    const drained = setTimeout(() => follow.abort(), LOG_DRAIN_MS);
    await output.finally(() => clearTimeout(drained));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const stopped = stopper.reason();
    const summary =
      stopped === "timeout"
        ? `timed out after ${formatMs(input.config.timeout ?? 0)}; stopped (exit code ${exitCode}, ${seconds}s)`
        : stopped === "aborted"
          ? `stopped: the run was cancelled (exit code ${exitCode}, ${seconds}s)`
          : `exit code ${exitCode} after ${seconds}s`;
    return { exitCode, ...(stopped === undefined ? {} : { stopped }), summary };
  } finally {
    await engine.removeContainer(id, { force: true }).catch((error: unknown) => ports.log?.(`could not remove job container ${id}: ${String(error)}`));
  }
}

/** Streams the container's output into the log (and onOutput), secrets redacted per stream. */
async function collectOutput(engine: Engine, id: string, input: JobRunInput, log: JobLog, signal: AbortSignal): Promise<void> {
  const secrets = Object.values(input.env).flatMap((value) => (value instanceof Secret ? [value.reveal()] : []));
  const redactors: Record<LogChunk["stream"], StreamRedactor> = { stdout: createStreamRedactor(secrets), stderr: createStreamRedactor(secrets) };
  const emit = (stream: LogChunk["stream"], text: string): void => {
    if (text === "") return;
    log.write(text);
    input.onOutput?.({ stream, text });
  };
  for await (const chunk of engine.followLogs(id, { signal })) emit(chunk.stream, redactors[chunk.stream].push(chunk.text));
  for (const stream of ["stdout", "stderr"] as const) emit(stream, redactors[stream].flush());
}

/** Stops the container at its timeout or when the run is aborted; remembers which. */
function watchStops(engine: Engine, id: string, input: JobRunInput): { cancel(): void; reason(): Outcome["stopped"] } {
  let reason: Outcome["stopped"];
  const grace = input.stopGraceSeconds ?? DEFAULT_STOP_GRACE_SECONDS;
  const stop = (why: NonNullable<Outcome["stopped"]>): void => {
    if (reason !== undefined) return;
    reason = why;
    void engine.stopContainer(id, { timeoutSeconds: grace }).catch(() => undefined);
  };
  const timeout = input.config.timeout;
  const timer = timeout === undefined || timeout <= 0 ? undefined : setTimeout(() => stop("timeout"), timeout);
  const onAbort = (): void => stop("aborted");
  input.signal?.addEventListener("abort", onAbort, { once: true });
  if (input.signal?.aborted) onAbort();
  return {
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      input.signal?.removeEventListener("abort", onAbort);
    },
    reason: () => reason,
  };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
