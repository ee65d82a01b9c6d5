import type { ParsedConfig } from "./config-schema.js";
import { suggestion } from "./did-you-mean.js";
import type { ConfigProblem } from "./issues.js";

/** Where services run when an environment names hosts: (docs/hosts.md). Pure: config in, host names out. */

type Placed = Pick<ParsedConfig, "hosts" | "environments" | "services">;

/** The hosts a selection (host names and roles) names, in the order written, each once; roles expand in hosts:'s order. */
export function selectHosts(hosts: Placed["hosts"], selection: readonly string[]): string[] {
  const chosen: string[] = [];
  for (const entry of selection) {
    const named = entry in hosts ? [entry] : Object.keys(hosts).filter((name) => hosts[name]?.roles.includes(entry));
    for (const name of named) if (!chosen.includes(name)) chosen.push(name);
  }
  return chosen;
}

/** Every host some environment runs on, in hosts:'s order. */
export function placedHosts(config: Placed): string[] {
  const placed = new Set(Object.values(config.environments).flatMap((environment) => selectHosts(config.hosts, environment.hosts ?? [])));
  return Object.keys(config.hosts).filter((name) => placed.has(name));
}

/**
 * The hosts a service runs on in an environment, in rollout order: the environment's hosts:
 * narrowed to the service's own hosts: when it has one. Undefined when the environment names no
 * hosts (it runs on its docker_host, or the local engine).
 */
export function placeService(config: Placed, service: string, environment: string): string[] | undefined {
  const selection = config.environments[environment]?.hosts;
  if (selection === undefined) return undefined;
  const fleet = selectHosts(config.hosts, selection);
  const own = config.services[service]?.hosts;
  if (own === undefined) return fleet;
  const wanted = selectHosts(config.hosts, own);
  return fleet.filter((name) => wanted.includes(name));
}

/** Host names and roles that name nothing, names that are both a host and a role, services placed on none of an environment's hosts. */
export function placementProblems(config: Placed): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = Object.keys(config.hosts);
  const roles = [...new Set(Object.values(config.hosts).flatMap((host) => host.roles))];
  for (const role of roles) {
    if (names.includes(role))
      problems.push({
        path: ["hosts", role],
        anchor: "key",
        message: `"${role}" is both a host and a role of another host: rename one, so hosts: lists mean one thing`,
      });
  }
  const known = [...new Set([...names, ...roles])];
  const unknown = (path: ConfigProblem["path"], entries: readonly string[]): void => {
    entries.forEach((entry, index) => {
      if (known.includes(entry)) return;
      const defined = known.length === 0 ? "no hosts are defined: add them under hosts:" : `hosts and roles: ${known.join(", ")}`;
      problems.push({ path: [...path, index], anchor: "value", message: `no host or role named "${entry}"${suggestion(entry, known)} (${defined})` });
    });
  };
  for (const [name, environment] of Object.entries(config.environments))
    if (environment.hosts !== undefined) unknown(["environments", name, "hosts"], environment.hosts);
  for (const [name, service] of Object.entries(config.services)) {
    if (service.hosts === undefined) continue;
    unknown(["services", name, "hosts"], service.hosts);
    if (service.hosts.some((entry) => !known.includes(entry))) continue;
    const environments = service.environments ?? Object.keys(config.environments);
    const placed = environments.filter((environment) => config.environments[environment]?.hosts !== undefined);
    if (placed.length === 0) {
      problems.push({
        path: ["services", name, "hosts"],
        anchor: "key",
        message:
          "hosts: chooses among an environment's hosts, and none of this service's environments has hosts: (give the environment hosts:, or leave the service's out)",
      });
    }
    for (const environment of placed) {
      if ((placeService(config, name, environment) ?? []).length > 0) continue;
      problems.push({
        path: ["services", name, "hosts"],
        anchor: "value",
        message: `none of environment ${environment}'s hosts (${selectHosts(config.hosts, config.environments[environment]?.hosts ?? []).join(", ")}) is among ${service.hosts.join(", ")}`,
      });
    }
  }
  return problems;
}
