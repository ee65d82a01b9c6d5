import { SlipwayError } from "../errors/index.js";
import { directPorts, namedVolumes, proxiedPorts, type ServiceSpec } from "./service-spec.js";

/**
 * Refuses, before anything is stopped, a spec Slipway cannot roll out as declared. Returns
 * nothing when it can. The rules say why in the message: a user should never learn them
 * from a broken deployment.
 */
export function checkDeployable(spec: ServiceSpec): void {
  const problems: string[] = [];
  const startFirst = spec.update.strategy !== "recreate";
  const volumes = namedVolumes(spec);
  if (startFirst && volumes.length > 0 && !spec.update.allowSharedVolumes) {
    problems.push(
      `strategy ${spec.update.strategy} starts the new revision while the old one still runs, so two containers would write to the named volume ${volumes.join(", ")} at once; use strategy recreate, or set update.allow_shared_volumes: true if the application allows it`,
    );
  }
  if (startFirst && directPorts(spec).length > 0) {
    const ports = directPorts(spec)
      .map((p) => `${p.published}/udp`)
      .join(", ");
    problems.push(
      `strategy ${spec.update.strategy} needs every published port behind the proxy, but ${ports} is UDP, which the proxy does not carry; use strategy recreate`,
    );
  }
  if (spec.update.strategy === "rolling" && spec.replicas < 2) {
    problems.push("strategy rolling replaces replicas a few at a time and needs replicas: 2 or more; use blue-green for a single replica");
  }
  if (spec.hostname !== undefined && spec.replicas > 1) {
    problems.push(`hostname ${spec.hostname} would be the same in all ${spec.replicas} replicas; remove hostname or use one replica`);
  }
  const published = proxiedPorts(spec).map((p) => p.published);
  const duplicate = published.find((port, index) => published.indexOf(port) !== index);
  if (duplicate !== undefined) problems.push(`port ${duplicate} is published twice`);
  if (spec.update.batch < 1) problems.push("update.batch must be at least 1");
  if (problems.length === 0) return;
  throw new SlipwayError("SERVICE_SPEC_INVALID", `service ${spec.service} (${spec.environment}) cannot be deployed as written: ${problems[0]}`, {
    details: problems.slice(1),
    hint: "change the service in slipway.yml; nothing was stopped",
  });
}
