import { failureDetail, fleetOf, gateOrHold, releaseNotesReader, runDeployment, type PipelineEvent } from "../app/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import { pushedImages } from "../builder/environment-tags.js";
import { openBuildSession } from "../builder/session.js";
import type { ImageOutcome } from "../builder/execute.js";
import type { LoadedConfig } from "../config/index.js";
import { specFromConfig } from "../deploy/index.js";
import type { Engine } from "../engine/index.js";
import { SlipwayError, isSlipwayError } from "../errors/index.js";
import { environmentTag } from "../images/index.js";
import { describeReason } from "../graph/plan.js";
import { headOf, lsRemote, validateRemote } from "../sources/index.js";
import type { PipelineRunRecord, Store } from "../store/index.js";
import { BUILD_ONLY, imagesOfEnvironment, servicesUsing } from "./pipeline-targets.js";
import { checkpoint, WorkCancelled } from "../util/work-queue.js";

export interface PipelineRequest {
  readonly environment: string;
  readonly deploy: boolean;
  readonly source: string;
  readonly branch: string;
  /** "webhook:github", "poll", "api", "recheck". */
  readonly trigger: string;
}

export interface PipelineDeps {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly store: Store;
  /** Where images are built (and tested). */
  readonly engine: Engine;
  /** Each environment's engine (its docker_host); `engine` when absent. */
  readonly engineFor?: (environment: string | undefined, host?: string) => Promise<Engine>;
  readonly log: (fields: Record<string, unknown>, message: string) => void;
  /** Builds at once within one run. */
  readonly jobs?: number;
  /** Called once per finished run and per deployment, for notifications. */
  readonly onEvent?: (event: PipelineEvent) => void;
  /** Sends what the deploy gate announces (a deploy held for approval or a window). */
  readonly notify?: (event: NotifyEventInput) => void;
  /** The controller running it, recorded with the run. */
  readonly controller?: string;
}

export type { PipelineEvent };

/**
 * One pipeline run for an environment: the source's branch is read at its newest commit (so
 * runs coalesced while another ran build the newest), then plan -> build, test and push (the
 * environment's Dockerfile variants) -> deploy the environment's services whose image was
 * rebuilt, each by the exact reference just pushed. Every step is recorded before it acts;
 * the signal is honoured between steps (never inside a deployment).
 */
export async function runPipeline(deps: PipelineDeps, request: PipelineRequest, signal: AbortSignal): Promise<PipelineRunRecord> {
  const { store, loaded } = deps;
  const declared = loaded.config.sources[request.source];
  if (declared === undefined) throw new SlipwayError("CONFIG_INVALID", `there is no source "${request.source}" in slipway.yml`);
  const environment = request.environment === BUILD_ONLY ? undefined : request.environment;
  // One ls-remote per source, at once: which sources have the environment's branch, the pushed
  // source's new commit, and every head the plan reads (the run builds exactly what it recorded).
  const refs = await remoteRefs(loaded);
  const branches: Record<string, string> =
    environment === undefined
      ? {}
      : Object.fromEntries(
          Object.keys(refs)
            .filter((name) => refs[name]?.has(`refs/heads/${request.branch}`))
            .map((name) => [name, request.branch]),
        );
  const sources = Object.fromEntries(Object.entries(loaded.config.sources).map(([name, s]) => [name, { ...s, branch: branches[name] ?? s.branch }]));
  const heads = Object.fromEntries(
    Object.entries(sources).flatMap(([name, s]) => {
      const commit = refs[name]?.get(`refs/heads/${s.branch}`);
      return commit === undefined ? [] : [[name, commit] as const];
    }),
  );
  // A branch that is gone gets headOf's message, with the branches that do exist.
  const commit =
    refs[request.source]?.get(`refs/heads/${request.branch}`) ?? (await headOf(validateRemote(declared.repo, { baseDir: loaded.dir }), request.branch));
  const run = await store.startPipelineRun({
    environment: request.environment,
    source: request.source,
    branch: request.branch,
    commit,
    trigger: request.trigger,
    ...(deps.controller === undefined ? {} : { controller: deps.controller }),
  });
  const fields = { run: run.id, environment: request.environment, source: request.source, branch: request.branch, commit: commit.slice(0, 12) };
  deps.log(fields, "pipeline started");
  deps.onEvent?.({ kind: "started", run });
  const summary: { built: string[]; upToDate: string[]; failed: string[]; deployed: string[]; deployFailed: string[]; held: string[] } = {
    built: [],
    upToDate: [],
    failed: [],
    deployed: [],
    deployFailed: [],
    held: [],
  };
  try {
    // An environment's pipeline reads every source that has the environment's branch at that
    // branch (the pushed source always has it), the others at their own branch: pushes to
    // several repositories' test.1 coalesce into one run that sees all of them. A build-only
    // run was started by a push to the source's own branch: every source stays on its own.
    const config = { ...loaded.config, sources };
    const session = openBuildSession({
      config,
      configDir: loaded.dir,
      stateDir: deps.stateDir,
      store,
      heads,
      ...(environment === undefined ? {} : { env: environment }),
    });

    checkpoint(signal);
    const images = environment === undefined ? Object.keys(config.images) : imagesOfEnvironment(config, environment);
    const plan = await step(
      store,
      run.id,
      "plan",
      { images, branches: Object.fromEntries(Object.entries(sources).map(([name, s]) => [name, s.branch])) },
      async () => {
        const planned = await session.plan(images);
        return {
          result: planned,
          detail: {
            toBuild: planned.toBuild,
            reasons: Object.fromEntries(planned.entries.filter((e) => e.action !== "up-to-date").map((e) => [e.image, e.reasons.map(describeReason)])),
          },
        };
      },
    );

    checkpoint(signal);
    const report =
      plan.toBuild.length === 0
        ? undefined
        : await step(
            store,
            run.id,
            "build",
            { images: plan.toBuild },
            async () => {
              const built = await session.build(plan, deps.engine, { push: true, noCache: false, jobs: deps.jobs ?? 2 });
              return { result: built, detail: { outcomes: built.outcomes.map(outcomeDetail) } };
            },
            (built) => (built.ok ? undefined : "a build or test failed"),
          );
    const rebuilt = new Map<string, string>();
    for (const outcome of report?.outcomes ?? []) {
      deps.onEvent?.({ kind: "build", run, outcome });
      if (outcome.outcome === "built") {
        summary.built.push(outcome.image);
        // By digest: under the sha schemes two environments' builds of one commit share a tag.
        rebuilt.set(outcome.image, outcome.built.digest === undefined ? outcome.built.reference : `${outcome.built.reference}@${outcome.built.digest}`);
      } else if (outcome.outcome === "up-to-date") summary.upToDate.push(outcome.image);
      else summary.failed.push(outcome.image);
    }

    // The environment's tag moves to each image built or up to date: what `deploy --env`, its
    // jobs and `slipway run --environment` take as its newest (src/images/environment-tag.ts).
    // A tag the registry refuses (immutable tags) fails the step and the run, but not the
    // deployments: they take the exact reference built, not the tag.
    const pushed = pushedImages(plan, report);
    let tagError: string | undefined;
    if (environment !== undefined && config.environments[environment] !== undefined && pushed.length > 0) {
      await step(store, run.id, "tag", { tag: environmentTag(environment), images: pushed.map((p) => p.image) }, async () => {
        const tagged = await session.tagEnvironment(pushed);
        return { result: tagged, detail: { tagged } };
      }).catch((error: unknown) => {
        tagError = `tagging for ${environment} failed: ${messageOf(error)}`;
      });
    }

    if (request.deploy && environment !== undefined) {
      // Services whose image was rebuilt, and services never deployed to this environment whose
      // image has a pushed build (up to date): a first deployment that failed is tried again.
      const references = new Map(rebuilt);
      for (const { image, digest } of pushed) {
        const repository = session.targets.get(image)?.repository;
        if (!references.has(image) && repository !== undefined) references.set(image, `${repository}@${digest}`);
      }
      const toDeploy: string[] = [];
      for (const service of servicesUsing(config, environment, new Set(references.keys()))) {
        if (rebuilt.has(config.services[service]?.image ?? "") || (await neverDeployed(store, service, environment))) toDeploy.push(service);
      }
      for (const service of toDeploy) {
        checkpoint(signal);
        const image = references.get(config.services[service]?.image ?? "") ?? "";
        // The environment's policy (approvals, windows, a freeze) may hold the deploy: it is
        // queued with this exact image, and the run goes on (the held deploy is not a failure).
        const gate = await gateOrHold(
          { config, store, notify: deps.notify },
          { service, environment, image: () => Promise.resolve(image), trigger: `pipeline:${run.id}`, requestedBy: "pipeline", kind: "deploy" },
        );
        if (gate.kind === "held") {
          await step(store, run.id, `deploy ${service}`, { service, image }, () =>
            Promise.resolve({ result: undefined, detail: { held: gate.held.id, waiting: gate.waiting } }),
          );
          summary.held.push(service);
          deps.log({ ...fields, service, held: gate.held.id }, `deploy held: ${gate.waiting}`);
          continue;
        }
        try {
          const result = await step(store, run.id, `deploy ${service}`, { service, image }, async () => {
            const spec = specFromConfig({ config, configDir: loaded.dir, service, environment, image });
            const context = {
              engine: deps.engineFor === undefined ? deps.engine : await deps.engineFor(environment),
              fleet: fleetOf(loaded, (env, host) => (deps.engineFor ?? (() => Promise.resolve(deps.engine)))(env, host), service, environment),
              imageSource: () => Promise.resolve(deps.engine),
              store,
              stateDir: deps.stateDir,
              proxyAdmin: config.proxy?.admin,
              releaseNotes: releaseNotesReader({ config, configDir: loaded.dir, stateDir: deps.stateDir }),
            };
            const attempt = await runDeployment(context, { spec, trigger: `pipeline:${run.id}`, waitMs: 10 * 60_000, announce: false }, (line) =>
              deps.log({ ...fields, service }, line),
            );
            if (!attempt.ok) throw attempt.error;
            const deployed = attempt.value;
            return { result: deployed, detail: { revision: deployed.revision, status: deployed.status } };
          });
          summary.deployed.push(service);
          const notes = result.notes === undefined ? {} : { notes: result.notes };
          deps.onEvent?.({ kind: "deploy", run, service, ok: true, revision: result.revision, image, ...notes });
        } catch (error) {
          if (error instanceof WorkCancelled) throw error;
          summary.deployFailed.push(service);
          deps.onEvent?.({ kind: "deploy", run, service, ok: false, image, error: messageOf(error) });
        }
      }
    }

    const failed = summary.failed.length > 0 || summary.deployFailed.length > 0 || tagError !== undefined;
    const error = failed
      ? [
          ...summary.failed.map((i) => `build of ${i} failed`),
          ...(tagError === undefined ? [] : [tagError]),
          ...summary.deployFailed.map((s) => `deploy of ${s} failed`),
        ].join("; ")
      : undefined;
    const finished = await store.finishPipelineRun(run.id, { status: failed ? "failed" : "succeeded", summary, ...(error === undefined ? {} : { error }) });
    deps.log({ ...fields, ...summary }, `pipeline ${finished.status}`);
    deps.onEvent?.({ kind: "run", run: finished });
    return finished;
  } catch (error) {
    const cancelled = error instanceof WorkCancelled;
    const finished = await store.finishPipelineRun(run.id, {
      status: cancelled ? "cancelled" : "failed",
      error: cancelled ? `cancelled at a safe point: ${error.reason}` : messageOf(error),
      summary,
    });
    deps.log({ ...fields, error: finished.error }, `pipeline ${finished.status}`);
    deps.onEvent?.({ kind: "run", run: finished });
    return finished;
  }
}

/**
 * Each source's branches and tags (one ls-remote per source, at once). A source that cannot be
 * read is left out: the plan reads it again and the run records that failure.
 */
async function remoteRefs(loaded: LoadedConfig): Promise<Record<string, Map<string, string>>> {
  const entries = await Promise.all(
    Object.entries(loaded.config.sources).map(async ([name, source]) => {
      try {
        return [[name, await lsRemote(validateRemote(source.repo, { baseDir: loaded.dir }))] as const];
      } catch {
        return [];
      }
    }),
  );
  return Object.fromEntries(entries.flat());
}

/** Records a step before it acts and its outcome after; `failure` turns a result into a failed step. */
async function step<T>(
  store: Store,
  runId: number,
  name: string,
  detail: Record<string, unknown>,
  act: () => Promise<{ result: T; detail: Record<string, unknown> }>,
  failure?: (result: T) => string | undefined,
): Promise<T> {
  const started = await store.startPipelineStep(runId, name, detail);
  try {
    const done = await act();
    const problem = failure?.(done.result);
    await store.finishPipelineStep(runId, started.seq, {
      status: problem === undefined ? "done" : "failed",
      detail: { ...detail, ...done.detail },
      ...(problem === undefined ? {} : { error: problem }),
    });
    return done.result;
  } catch (error) {
    await store.finishPipelineStep(runId, started.seq, { status: "failed", error: messageOf(error) });
    throw error;
  }
}

function outcomeDetail(outcome: ImageOutcome): Record<string, unknown> {
  switch (outcome.outcome) {
    case "built":
      return { image: outcome.image, outcome: "built", reference: outcome.built.reference, digest: outcome.built.digest, durationMs: outcome.durationMs };
    case "up-to-date":
      return { image: outcome.image, outcome: "up-to-date", reference: outcome.reference, digest: outcome.digest };
    case "failed":
      return { image: outcome.image, outcome: "failed", ...failureDetail(outcome.error) };
    case "skipped":
      return { image: outcome.image, outcome: "skipped", because: outcome.because };
  }
}

function messageOf(error: unknown): string {
  if (isSlipwayError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

async function neverDeployed(store: Store, service: string, environment: string): Promise<boolean> {
  const [last] = await store.listDeployments({ service, environment, status: "succeeded", limit: 1 });
  return last === undefined;
}
