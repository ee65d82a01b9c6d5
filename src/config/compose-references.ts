import type { ConfigProblem } from "./issues.js";
import type { ServiceConfig } from "./service-config.js";
import type { ComposeTopLevel } from "./compose-top-level.js";

/**
 * The rule compose itself enforces between sections: a service's named volumes and networks
 * are declared at the top level (compose's "default" network always exists).
 */
export function composeReferenceProblems(
  declared: Pick<ComposeTopLevel, "volumes" | "networks">,
  services: Readonly<Record<string, ServiceConfig>>,
): ConfigProblem[] {
  const volumes = new Set(declared.volumes);
  const networks = new Set([...declared.networks, "default"]);
  const problems: ConfigProblem[] = [];
  for (const [name, service] of Object.entries(services)) {
    service.volumes.forEach((volume, index) => {
      if (volume.type !== "volume" || volumes.has(volume.source)) return;
      problems.push({
        path: ["services", name, "volumes", index],
        anchor: "value",
        message: `the volume "${volume.source}" is not declared: add it under the top-level volumes:`,
      });
    });
    service.networks.forEach((network, index) => {
      if (networks.has(network.name)) return;
      problems.push({
        path: ["services", name, "networks", index],
        anchor: "value",
        message: `the network "${network.name}" is not declared: add it under the top-level networks:`,
      });
    });
  }
  return problems;
}
