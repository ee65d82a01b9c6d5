import type { FastifyBaseLogger } from "fastify";
import { firstAnswering, fleetOf, gateUpdate, runDeployment } from "../app/index.js";
import { describeHosts, environmentNames, hostList, type HostReport } from "../deploy/index.js";
import { createDeployPorts } from "../app/deploy-ports.js";
import {
  autoUpdateServices,
  checkServiceUpdate,
  checkWatchedContainer,
  cleanupImages,
  listWatchedContainers,
  type ServiceUpdateReport,
  type WatchedContainer,
} from "../autoupdate/index.js";
import type { RegistryPool } from "../builder/registry-reader.js";
import type { LoadedConfig } from "../config/index.js";
import { specFromConfig, type DeployRequest, type DeployResult } from "../deploy/index.js";
import type { Engine } from "../engine/index.js";
import { connectRawContainers, type RawContainers } from "../engine/raw-create.js";
import type { Notifier, NotifyEventInput } from "../notify/index.js";
import { tagPoller, type Poller } from "../pollers/index.js";
import { parseReference } from "../reference/index.js";
import type { Store } from "../store/index.js";
import { imagesForHint } from "../webhooks/match-hints.js";
import type { WorkQueue } from "../util/work-queue.js";

export interface AutoUpdates {
  start(): void;
  stop(): Promise<void>;
  /** Image pushes announced by a webhook: the services and containers on that tag are checked now. */
  onImageHints(images: readonly { repository: string; tag?: string; digest?: string }[], trigger: string): void;
  /** Queues a check of every auto-updated service and labelled container. */
  checkAll(trigger: string): void;
}

/**
 * Keeps watched images current: every service with `update.auto` whose image is an external
 * tag (in each environment it deploys to), and every running container labelled
 * dev.slipway.auto-update in this controller's scope (controller.scope; see inScope). A tag poller per service reference, a periodic scan of labelled
 * containers, and webhook hints all lead to the same check, queued under the service's (or
 * container's) key so one update of it runs at a time. The check re-reads the digest from the
 * registry: a hint is only a hint, and one digest is deployed once.
 */
export function createAutoUpdates(input: {
  loaded: LoadedConfig;
  stateDir: string;
  store: Store;
  engine: Engine;
  /** Each environment's engine (its docker_host); `engine` when absent. */
  engineFor?: (environment: string | undefined, host?: string) => Promise<Engine>;
  registries: RegistryPool;
  queue: WorkQueue;
  notifier: Notifier;
  log: FastifyBaseLogger;
  intervalMs: number;
  jitter: number;
}): AutoUpdates {
  const { loaded, store, engine, queue, notifier, log } = input;
  const config = loaded.config;
  const scope = config.controller?.scope;
  const targets = autoUpdateServices(config).flatMap(({ service, image, tracked }) =>
    environmentsOf(loaded, service).map((environment) => ({ service, image, environment, tracked })),
  );

  const submitService = (service: string, environment: string, trigger: string, announced?: string): void => {
    queue.submit({
      key: `service:${service}@${environment}`,
      label: `auto-update ${service} (${environment}, ${trigger})`,
      run: async () => {
        const spec = specFromConfig({ config, configDir: loaded.dir, service, environment, image: config.services[service]?.image ?? "" });
        const fleet = fleetOf(loaded, (env, host) => (input.engineFor ?? (() => Promise.resolve(engine)))(env, host), service, environment);
        // On several hosts the followed image is read on the first host that answers (the one the rollout starts on).
        const target = fleet !== undefined ? await firstAnswering(fleet.hosts) : input.engineFor === undefined ? engine : await input.engineFor(environment);
        const deploy = await createDeployPorts({
          engine: target,
          store,
          stateDir: input.stateDir,
          spec,
          // On several hosts this engine only reads the image; each host's proxy is the deployment's.
          observeOnly: fleet !== undefined,
          proxyAdmin: config.proxy?.admin,
          log: (line) => log.info({ service, environment }, line),
        });
        const run = async (request: DeployRequest): Promise<DeployResult> => {
          const context = {
            engine: target,
            imageSource: () => Promise.resolve(engine),
            store,
            stateDir: input.stateDir,
            proxyAdmin: config.proxy?.admin,
            fleet,
          };
          const attempt = await runDeployment(context, { ...request, announce: false }, (line) => log.info({ service, environment }, line));
          if (!attempt.ok) throw attempt.error;
          return attempt.value;
        };
        const gate = (image: string) => gateUpdate({ config, store, notify: (event) => notifier.notify(event) }, { service, environment, image });
        const report = await checkServiceUpdate(
          { deploy, registries: input.registries, run, gate },
          { config, configDir: loaded.dir, service, environment, waitMs: 10 * 60_000, ...(announced === undefined ? {} : { announced }) },
        );
        log.info({ service, environment, trigger, status: report.status, digest: report.digest, previous: report.previousDigest }, "auto-update checked");
        notifyService(notifier, report);
      },
    });
  };

  /** `only`: the hinted references (repository:tag) to check, each with the digest announced for it, if any. */
  const submitContainers = (trigger: string, only?: ReadonlyMap<string, string | undefined>): void => {
    queue.submit({
      key: "containers",
      label: `auto-update labelled containers (${trigger})`,
      run: async () => {
        const raw = connectRawContainers();
        for (const watched of await listWatchedContainers(engine, { scope })) {
          const hinted =
            only === undefined
              ? undefined
              : [...only.keys()].find(
                  (ref) => imagesForHint({ kind: "image", repository: repositoryOf(watched.image), ...tagOf(watched.image) }, [ref]).length > 0,
                );
          if (only !== undefined && hinted === undefined) continue;
          const announced = hinted === undefined ? undefined : only?.get(hinted);
          // Each container in its own error boundary: one whose registry fails does not stop the others' checks.
          try {
            await checkContainer(raw, watched, trigger, announced);
          } catch (error) {
            log.warn({ container: watched.name, image: watched.image, trigger, err: error }, "auto-update check failed");
          }
        }
      },
    });
  };

  const checkContainer = async (raw: RawContainers, watched: WatchedContainer, trigger: string, announced: string | undefined): Promise<void> => {
    const report = await checkWatchedContainer(
      { engine, raw, registries: input.registries, log: (line) => log.info({ container: watched.name }, line) },
      watched,
      announced === undefined ? {} : { announced },
    );
    log.info({ container: watched.name, image: watched.image, status: report.status, digest: report.digest, trigger }, "auto-update checked");
    if (report.status === "updated") {
      notifier.notify({
        event: "deploy",
        title: `Updated container ${watched.name} to ${watched.image}`,
        subject: watched.name,
        outcome: "succeeded",
        detail: { image: report.imageId, order: report.order },
      });
      await cleanupImages(engine, { candidates: [report.previousImageId], keep: new Set() });
    } else if (report.status === "available") {
      notifier.notify({
        event: "update-available",
        title: `A new ${watched.image} is available for container ${watched.name}`,
        subject: watched.name,
        outcome: "available",
        detail: { digest: report.digest, ...(report.imageId === undefined ? {} : { image: report.imageId }) },
      });
    } else if (report.status === "refused" || report.status === "failed") {
      notifier.notify({
        event: "deploy",
        title: `Update of container ${watched.name} ${report.status}: ${report.reason}`,
        subject: watched.name,
        outcome: "failed",
        detail: { reason: report.reason },
      });
    }
  };

  // One poller per tag, however many services and environments follow it: pollers of one tag
  // would share its stored digest, and only the first to see a change would act on it.
  const followers = new Map<string, typeof targets>();
  for (const target of targets) followers.set(target.image, [...(followers.get(target.image) ?? []), target]);
  const pollers: Poller[] = [...followers].map(([image, following]) =>
    tagPoller({
      repository: repositoryOf(image),
      tag: tagOf(image).tag ?? "latest",
      registries: input.registries,
      intervalMs: input.intervalMs,
      jitter: input.jitter,
      store,
      log,
      onChange: () => {
        for (const { service, environment } of following) submitService(service, environment, "poll");
      },
    }),
  );
  let scan: NodeJS.Timeout | undefined;

  return {
    start() {
      for (const poller of pollers) poller.start();
      scan = setInterval(() => submitContainers("scan"), input.intervalMs);
      scan.unref();
      submitContainers("start");
    },
    async stop() {
      if (scan !== undefined) clearInterval(scan);
      await Promise.all(pollers.map((poller) => poller.stop()));
    },
    onImageHints(images, trigger) {
      for (const hint of images) {
        for (const target of targets) {
          // a tracked service follows every tag of its repository: a push of any tag is a reason to look (the digest announced is another tag's)
          if (target.tracked) {
            if (imagesForHint({ kind: "image", repository: hint.repository }, [target.image]).length > 0)
              submitService(target.service, target.environment, trigger);
          } else if (imagesForHint({ kind: "image", ...hint }, [target.image]).length > 0)
            submitService(target.service, target.environment, trigger, hint.digest);
        }
      }
      const hinted = new Map(images.map((hint) => [hint.tag === undefined ? hint.repository : `${hint.repository}:${hint.tag}`, hint.digest]));
      submitContainers(trigger, hinted);
    },
    checkAll(trigger) {
      for (const target of targets) submitService(target.service, target.environment, trigger);
      submitContainers(trigger);
    },
  };
}

function environmentsOf(loaded: LoadedConfig, service: string): string[] {
  const declared = loaded.config.services[service]?.environments;
  if (declared !== undefined) return [...declared];
  return environmentNames(loaded.config);
}

function repositoryOf(reference: string): string {
  const parsed = parseReference(reference);
  return parsed.domain === undefined ? parsed.path : `${parsed.domain}/${parsed.path}`;
}

function tagOf(reference: string): { tag?: string } {
  const tag = parseReference(reference).tag;
  return tag === undefined ? {} : { tag };
}

/** The notice of an update: the tag, and the release the new image describes (its OCI labels) when it does. */
export function updatedNotice(report: ServiceUpdateReport): NotifyEventInput {
  const { service, environment, release } = report;
  const version = release?.version === undefined || release.version === report.tag ? "" : ` (version ${release.version})`;
  return {
    event: "deploy",
    title: `Updated ${service} in ${environment} to ${report.tag}${version}, ${report.digest.slice(0, 19)}${hostsUpdated(report.hosts)}`,
    subject: service,
    environment,
    outcome: "succeeded",
    detail: {
      revision: report.revision,
      tag: report.tag,
      digest: report.digest,
      previous: report.previousDigest,
      ...(release === undefined ? {} : { release }),
      ...(report.hosts === undefined ? {} : { hosts: describeHosts(report.hosts) }),
    },
  };
}

/** " on a, b and c" (and the hosts skipped), for an update on several hosts. */
function hostsUpdated(hosts: readonly HostReport[] | undefined): string {
  if (hosts === undefined) return "";
  const updated = hosts.filter((h) => h.outcome === "updated").map((h) => h.host);
  const skipped = hosts.filter((h) => h.outcome === "skipped").map((h) => h.host);
  return ` on ${hostList(updated)}${skipped.length === 0 ? "" : `; ${hostList(skipped)} not reachable, updated when back`}`;
}

function notifyService(notifier: Notifier, report: ServiceUpdateReport): void {
  const { service, environment } = report;
  if (report.status === "updated") {
    notifier.notify(updatedNotice(report));
  } else if (report.status === "available" && report.firstSeen !== false) {
    notifier.notify({
      event: "update-available",
      title: `A new image is available for ${service} in ${environment}`,
      subject: service,
      environment,
      outcome: "available",
      detail: { digest: report.digest, current: report.previousDigest },
    });
  } else if (report.status === "failed") {
    notifier.notify({
      event: "rollback",
      title: `Update of ${service} in ${environment} failed; the running revision kept serving`,
      subject: service,
      environment,
      outcome: "rolled-back",
      detail: { digest: report.digest, error: report.error },
    });
  }
}
