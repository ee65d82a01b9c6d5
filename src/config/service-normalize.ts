import type { ServiceConfig } from "./service-config.js";
import type { ServiceFields } from "./service-fields.js";
import type { ServiceVolume } from "./service-volumes.js";
import { DEFAULT_RESTART } from "./service-restart.js";
import { hasContainerCheck } from "./service-healthcheck.js";
import { resolveHealth, HEALTH_DEFAULTS, type HealthCheck } from "./service-health.js";
import { defaultStrategy, UPDATE_DEFAULTS, type Strategy, type UpdatePolicy } from "./service-update.js";
import { agreeing, duplicateIssues, strategyIssues, type ServiceIssue } from "./service-rules.js";

const DEFAULT_STOP_GRACE_PERIOD = 10_000;

/** Folds the keys of a service into one ServiceConfig: deploy merged, defaults applied, rules checked. */
export function normalizeService(fields: ServiceFields): { readonly config: ServiceConfig; readonly issues: readonly ServiceIssue[] } {
  const issues: ServiceIssue[] = [];
  const deploy = fields.deploy ?? {};
  const memoryBytes = agreeing(
    [
      { path: ["mem_limit"], value: fields.mem_limit },
      { path: ["memory"], value: fields.memory },
      { path: ["deploy", "resources", "limits", "memory"], value: deploy.memoryBytes },
    ],
    issues,
  );
  const cpus = agreeing(
    [
      { path: ["cpus"], value: fields.cpus },
      { path: ["deploy", "resources", "limits", "cpus"], value: deploy.cpus },
    ],
    issues,
  );
  const replicas =
    agreeing(
      [
        { path: ["replicas"], value: fields.replicas },
        { path: ["deploy", "replicas"], value: deploy.replicas },
      ],
      issues,
    ) ?? 1;
  const volumes: ServiceVolume[] = [...fields.volumes, ...(fields.tmpfs ?? [])];
  const update = resolveUpdate(fields, { replicas, volumes }, issues);
  const health = resolveServiceHealth(fields, issues);
  issues.push(...duplicateIssues(fields.ports, volumes));

  const config: ServiceConfig = {
    image: fields.image,
    ...(fields.command === undefined ? {} : { command: fields.command }),
    ...(fields.entrypoint === undefined ? {} : { entrypoint: fields.entrypoint }),
    ports: fields.ports,
    volumes,
    environment: fields.environment.values,
    ...(fields.environment.secret.length === 0 ? {} : { secretEnvironment: fields.environment.secret }),
    envFiles: fields.env_file,
    labels: fields.labels,
    restart: fields.restart ?? DEFAULT_RESTART,
    ...(memoryBytes === undefined ? {} : { memoryBytes }),
    ...(cpus === undefined ? {} : { cpus }),
    ...(fields.user === undefined ? {} : { user: fields.user }),
    ...(fields.working_dir === undefined ? {} : { workingDir: fields.working_dir }),
    ...(fields.hostname === undefined ? {} : { hostname: fields.hostname }),
    networks: fields.networks,
    ...(fields.healthcheck === undefined ? {} : { healthcheck: fields.healthcheck }),
    replicas,
    stopGracePeriod: fields.stop_grace_period ?? DEFAULT_STOP_GRACE_PERIOD,
    ...(fields.stop_signal === undefined ? {} : { stopSignal: fields.stop_signal }),
    init: fields.init,
    readOnly: fields.read_only,
    ...(fields.environments === undefined ? {} : { environments: fields.environments }),
    ...(fields.hosts === undefined ? {} : { hosts: fields.hosts }),
    dependsOn: fields.depends_on,
    health,
    update,
  };
  return { config, issues };
}

function resolveUpdate(fields: ServiceFields, service: { replicas: number; volumes: readonly ServiceVolume[] }, issues: ServiceIssue[]): UpdatePolicy {
  const written = fields.update;
  const order = fields.deploy?.order;
  const batch =
    agreeing(
      [
        { path: ["update", "batch"], value: written?.batch },
        { path: ["deploy", "update_config", "parallelism"], value: fields.deploy?.batch },
      ],
      issues,
    ) ?? UPDATE_DEFAULTS.batch;
  const fromOrder: Strategy | undefined =
    order === undefined ? undefined : order === "stop-first" ? "recreate" : service.replicas > 1 ? "rolling" : "blue-green";
  if (written?.strategy !== undefined && fromOrder !== undefined && (written.strategy === "recreate") !== (fromOrder === "recreate")) {
    issues.push({
      path: ["deploy", "update_config", "order"],
      message: `order ${order} disagrees with update.strategy ${written.strategy}: write one of them`,
    });
  }
  const strategy = written?.strategy ?? fromOrder ?? defaultStrategy(service);
  const strategyFrom = written?.strategy !== undefined ? ["update", "strategy"] : fromOrder !== undefined ? ["deploy", "update_config", "order"] : "default";
  const allowSharedVolumes = written?.allowSharedVolumes ?? UPDATE_DEFAULTS.allowSharedVolumes;
  issues.push(
    ...strategyIssues({ strategy, strategyFrom, replicas: service.replicas, batch, ports: fields.ports, volumes: service.volumes, allowSharedVolumes }),
  );
  const auto = written?.auto;
  const track = written?.track;
  const minAge = written?.minAge;
  const windows = written?.windows;
  return {
    strategy,
    batch,
    drain: written?.drain ?? UPDATE_DEFAULTS.drain,
    keep: written?.keep ?? UPDATE_DEFAULTS.keep,
    allowSharedVolumes,
    hostsParallel: written?.hostsParallel ?? UPDATE_DEFAULTS.hostsParallel,
    ...(auto === undefined ? {} : { auto }),
    ...(track === undefined ? {} : { track }),
    ...(minAge === undefined ? {} : { minAge }),
    ...(windows === undefined ? {} : { windows }),
  };
}

function resolveServiceHealth(fields: ServiceFields, issues: ServiceIssue[]): HealthCheck {
  const resolved = resolveHealth(fields.health, {
    targets: fields.ports.filter((port) => port.protocol === "tcp").map((port) => port.target),
    hasHealthcheck: hasContainerCheck(fields.healthcheck),
    healthcheckDisabled: fields.healthcheck?.test?.[0] === "NONE",
  });
  if (!("message" in resolved)) return resolved;
  issues.push({ path: ["health"], message: resolved.message });
  return { kind: "running", ...HEALTH_DEFAULTS };
}
