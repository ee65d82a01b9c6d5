import { resolve } from "node:path";
import type { Engine, RegistryCredentials } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { openJobLog, type JobLog } from "../jobs/index.js";
import type { RegistryClient } from "../registry/index.js";
import type { Store } from "../store/index.js";
import { findCheckout } from "./checkout.js";
import { ensureHostDirs, hostDirs, imageHome, type HostDirs } from "../images/index.js";
import { planEnv, launchSpec, type LaunchPlan } from "./launch-spec.js";
import { resolveLaunchTarget, type ConfiguredImage, type LaunchTarget } from "./launch-target.js";
import { pickVersion } from "./pick-version.js";
import type { EnvironmentLookup } from "../images/index.js";
import { runAttached, type LaunchIo } from "./run-attached.js";

/** What the person asked for: `slipway run [options] IMAGE [COMMAND...]`. */
export interface LaunchRequest {
  readonly image: string;
  readonly command: readonly string[];
  /** Overrides the image's launch.profile (default prod). */
  readonly profile?: "dev" | "prod";
  /** The newest local version; the registry is never asked. */
  readonly local: boolean;
  /** Run the environment's newest build (its environment tag) instead of the tag scheme's newest. */
  readonly environment?: EnvironmentLookup;
  /** The image's home directory (data/, logs/, config/, tmp/), overriding launch.home and the default. */
  readonly home?: string;
  /** Run as this user (files the container writes are theirs), or keep the image's user. */
  readonly user: { readonly uid: number; readonly gid: number } | "image";
  /** -e and --env-from, merged (later wins); added over the image's launch.env. */
  readonly env: Readonly<Record<string, string>>;
  readonly workdir?: string;
  /** Run with the job logging of `jobs:`: a header and the output in the job's log, the run recorded. */
  readonly job?: string;
}

/** Where the launcher finds things: the engine and registries, slipway.yml's images and sources, the job log. */
export interface LaunchContext {
  readonly engine: Engine;
  registry(host: string): RegistryClient;
  credentials?(host: string): RegistryCredentials | undefined;
  readonly images: ReadonlyMap<string, ConfiguredImage>;
  readonly sources: Readonly<Record<string, { readonly repo: string }>>;
  /** The directory of slipway.yml: relative paths in it start here. */
  readonly configDir: string;
  /** Where images' home directories are made by default: <runBase>/<image>. */
  readonly runBase: string;
  /** Needed with --job. */
  readonly jobs?: {
    readonly store: Pick<Store, "startJobRun" | "finishJobRun">;
    readonly logDir: string;
    readonly maxSize: number;
    readonly files: number;
  };
  readonly io: LaunchIo;
  /** One line for the person (stderr): which version runs. */
  report(line: string): void;
  /** Signals that stop the container; default SIGINT and SIGTERM. */
  readonly signals?: readonly NodeJS.Signals[];
}

export interface LaunchResult {
  readonly exitCode: number;
  readonly reference: string;
  readonly version: string;
  readonly pulled: boolean;
  readonly profile: "dev" | "prod";
  readonly dirs: HostDirs;
  /** The job log file, with --job. */
  readonly logPath?: string;
}

/** Runs the newest version of an image once, attached, and returns its exit code. */
export async function launch(context: LaunchContext, request: LaunchRequest): Promise<LaunchResult> {
  const target = resolveLaunchTarget(request.image, context.images);
  const profile = request.profile ?? target.launch?.profile ?? "prod";
  const checkout = profile === "dev" ? await devCheckout(context, target) : undefined;
  const picked = await pickVersion(context, target, {
    local: request.local,
    ...(request.environment === undefined ? {} : { environment: request.environment }),
  });
  const home = homeDir(context, target, request.home);
  const dirs = hostDirs(home);
  const workdir = request.workdir ?? target.launch?.workdir;
  await ensureHostDirs(dirs, request.user === "image" ? undefined : request.user);
  const plan: LaunchPlan = {
    name: target.name,
    version: picked.version,
    reference: picked.reference,
    command: request.command,
    profile,
    dirs,
    ...(checkout === undefined ? {} : { checkout }),
    ...(request.user === "image" ? {} : { user: `${request.user.uid}:${request.user.gid}` }),
    ...(workdir === undefined ? {} : { workdir }),
    env: { ...target.launch?.env, ...request.env },
    tty: context.io.tty,
    ...(request.job === undefined ? {} : { job: request.job }),
  };
  context.report(`slipway run: ${picked.reference} (profile ${profile}, ${picked.pulled ? "pulled" : "present locally"})`);
  const result = { reference: picked.reference, version: picked.version, pulled: picked.pulled, profile, dirs };
  if (request.job === undefined) return { ...result, exitCode: await run(context, plan) };
  const logged = await runAsJob(context, plan, request.job);
  return { ...result, ...logged };
}

function run(context: LaunchContext, plan: LaunchPlan, log?: JobLog): Promise<number> {
  return runAttached(context.engine, launchSpec(plan), context.io, {
    ...(log === undefined ? {} : { onOutput: (bytes: Buffer) => log.write(bytes) }),
    ...(context.signals === undefined ? {} : { signals: context.signals }),
  });
}

async function runAsJob(context: LaunchContext, plan: LaunchPlan, job: string): Promise<{ exitCode: number; logPath: string }> {
  const jobs = context.jobs;
  if (jobs === undefined) throw new SlipwayError("INTERNAL", "launch with --job but no job store or log directory was given");
  const log = openJobLog({ dir: jobs.logDir, job, maxSize: jobs.maxSize, files: jobs.files });
  const record = await jobs.store.startJobRun({ job, trigger: "launcher", image: plan.reference });
  try {
    log.writeHeader({
      at: new Date(),
      image: plan.reference,
      version: plan.version,
      command: plan.command,
      trigger: "launcher",
      envKeys: Object.keys(planEnv(plan)),
    });
    const exitCode = await run(context, plan, log);
    await jobs.store.finishJobRun(record.id, { status: exitCode === 0 ? "succeeded" : "failed", exitCode, image: plan.reference });
    return { exitCode, logPath: log.path };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await jobs.store.finishJobRun(record.id, { status: "failed", error: message, image: plan.reference }).catch(() => undefined);
    throw error;
  } finally {
    await log.close();
  }
}

async function devCheckout(context: LaunchContext, target: LaunchTarget): Promise<{ host: string; target: string }> {
  const mount = target.launch?.mount;
  if (mount === undefined) {
    const where = target.configured ? `images.${target.name}.launch.mount in slipway.yml` : "an image of slipway.yml with launch.mount";
    throw new SlipwayError("LAUNCH_INVALID", `the dev profile of ${target.name} needs a source checkout to mount, and none is configured`, {
      hint: `set ${where}: { source: <source name>, target: /path/in/container }, or run with --profile prod`,
    });
  }
  const host = await findCheckout({ image: target.name, mount, configDir: context.configDir, sources: context.sources });
  return { host, target: mount.target };
}

function homeDir(context: LaunchContext, target: LaunchTarget, home: string | undefined): string {
  if (home !== undefined) return resolve(home);
  return imageHome({ name: target.name, launchHome: target.launch?.home }, context.configDir, context.runBase);
}
