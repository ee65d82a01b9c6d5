import { isAbsolute, resolve } from "node:path";
import { readEnvFiles } from "../config/env-files.js";
import type { Config } from "../config/index.js";
import type { ServiceConfig } from "../config/service-schema.js";
import { SlipwayError } from "../errors/index.js";
import { extraSecretNames } from "../util/secret-rule.js";
import type { ServiceSpec } from "./service-spec.js";

/** Health probes with no `retries` wait for their deadline alone. */
const UNLIMITED_RETRIES = 1_000_000;
export const DEFAULT_ENVIRONMENT = "default";

/** The environments of slipway.yml, in its order; `default` alone when it declares none. */
export function environmentNames(config: Pick<Config, "environments">): string[] {
  const names = Object.keys(config.environments);
  return names.length === 0 ? [DEFAULT_ENVIRONMENT] : names;
}

/**
 * The environment a command acts on: the one given, else the only one declared, else
 * "default" when slipway.yml declares none.
 */
export function chooseEnvironment(config: Config, given: string | undefined): string {
  const names = Object.keys(config.environments);
  if (given !== undefined) {
    if (names.length === 0 && given === DEFAULT_ENVIRONMENT) return given;
    if (!names.includes(given)) {
      throw new SlipwayError("CONFIG_INVALID", `there is no environment "${given}" in slipway.yml`, {
        hint: names.length === 0 ? "declare it under environments:, or leave out --env" : `environments: ${names.join(", ")}`,
      });
    }
    return given;
  }
  if (names.length === 0) return DEFAULT_ENVIRONMENT;
  if (names.length === 1) return names[0] as string;
  throw new SlipwayError("USAGE", `slipway.yml declares several environments (${names.join(", ")}): say which with --env`);
}

/**
 * The fully resolved spec of a service in an environment. Variables, lowest first: the
 * service's env_file, its environment:, the environment's env_file, its variables.
 */
export function specFromConfig(input: { config: Config; configDir: string; service: string; environment: string; image: string }): ServiceSpec {
  const { config, configDir, environment } = input;
  const service = config.services[input.service];
  if (service === undefined) {
    const known = Object.keys(config.services);
    throw new SlipwayError("CONFIG_INVALID", `there is no service "${input.service}" in slipway.yml`, {
      hint: known.length === 0 ? "declare it under services: (or in a compose file named by compose:)" : `services: ${known.join(", ")}`,
    });
  }
  if (service.environments !== undefined && !service.environments.includes(environment)) {
    throw new SlipwayError(
      "CONFIG_INVALID",
      `service ${input.service} does not deploy to environment ${environment} (its environments: ${service.environments.join(", ")})`,
    );
  }
  const env = config.environments[environment];
  const serviceFiles = readEnvFiles(service.envFiles, configDir);
  const environmentFiles = readEnvFiles(
    (env?.env_file ?? []).map((path) => ({ path, required: true })),
    configDir,
  );
  const variables = { ...serviceFiles, ...service.environment, ...environmentFiles, ...(env?.variables ?? {}) };
  // Secret beyond their names (src/util/secret-rule.ts): values from env files, and those marked secret.
  const marked = [...Object.keys(serviceFiles), ...(service.secretEnvironment ?? []), ...Object.keys(environmentFiles), ...(env?.secretVariables ?? [])];
  const secretEnv = extraSecretNames(variables, marked);
  return {
    service: input.service,
    environment,
    image: input.image,
    ...(service.command === undefined ? {} : { command: service.command }),
    ...(service.entrypoint === undefined ? {} : { entrypoint: service.entrypoint }),
    env: variables,
    ...(secretEnv.length === 0 ? {} : { secretEnv }),
    labels: service.labels,
    ports: service.ports,
    volumes: service.volumes.map((volume) => {
      if (volume.type === "tmpfs")
        return { type: "tmpfs" as const, target: volume.target, ...(volume.sizeBytes === undefined ? {} : { sizeBytes: volume.sizeBytes }) };
      if (volume.type === "bind" && !isAbsolute(volume.source)) return { ...volume, source: resolve(configDir, volume.source) };
      return volume;
    }),
    restart: service.restart,
    ...(service.memoryBytes === undefined ? {} : { memoryBytes: service.memoryBytes }),
    ...(service.cpus === undefined ? {} : { cpus: service.cpus }),
    ...(service.user === undefined ? {} : { user: service.user }),
    ...(service.workingDir === undefined ? {} : { workingDir: service.workingDir }),
    ...(service.hostname === undefined ? {} : { hostname: service.hostname }),
    networks: service.networks,
    ...(service.healthcheck?.test === undefined ? {} : { healthcheck: engineHealthcheck(service.healthcheck) }),
    replicas: service.replicas,
    stopGracePeriodMs: service.stopGracePeriod,
    ...(service.stopSignal === undefined ? {} : { stopSignal: service.stopSignal }),
    init: service.init,
    readOnly: service.readOnly,
    health: {
      probe: probeOf(service.health),
      startPeriodMs: service.health.startPeriod,
      intervalMs: service.health.interval,
      timeoutMs: service.health.timeout,
      retries: service.health.retries ?? UNLIMITED_RETRIES,
      deadlineMs: service.health.deadline,
      ...(service.health.settle === undefined ? {} : { settleMs: service.health.settle }),
    },
    update: {
      strategy: service.update.strategy,
      batch: service.update.batch,
      drainMs: service.update.drain,
      keep: service.update.keep,
      allowSharedVolumes: service.update.allowSharedVolumes,
    },
  };
}

function probeOf(health: ServiceConfig["health"]): ServiceSpec["health"]["probe"] {
  switch (health.kind) {
    case "http":
      return { kind: "http", path: health.path, status: health.status, port: health.port };
    case "tcp":
      return { kind: "tcp", port: health.port };
    case "command":
      return { kind: "command", command: health.command };
    case "docker":
      return { kind: "docker" };
    case "running":
      return { kind: "running" };
  }
}

function engineHealthcheck(check: NonNullable<ServiceConfig["healthcheck"]>): NonNullable<ServiceSpec["healthcheck"]> {
  const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000)));
  const interval = seconds(check.interval);
  const timeout = seconds(check.timeout);
  const startPeriod = seconds(check.startPeriod);
  return {
    test: check.test ?? [],
    ...(interval === undefined ? {} : { intervalSeconds: interval }),
    ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
    ...(startPeriod === undefined ? {} : { startPeriodSeconds: startPeriod }),
    ...(check.retries === undefined ? {} : { retries: check.retries }),
  };
}
