import { strategyIssues } from "../config/service-rules.js";
import { SlipwayError } from "../errors/index.js";
import { proxiedPorts, type ServiceSpec } from "./service-spec.js";

/**
 * Refuses, before anything is stopped, a spec Slipway cannot roll out as declared. Returns
 * nothing when it can. The strategy's rules are the ones `validate` reports (strategyIssues),
 * so a spec that validates deploys, and a stored revision is checked again before it runs.
 */
export function checkDeployable(spec: ServiceSpec): void {
  const { strategy, batch, allowSharedVolumes } = spec.update;
  const problems = strategyIssues({
    strategy,
    strategyFrom: "default",
    replicas: spec.replicas,
    batch,
    ports: spec.ports,
    volumes: spec.volumes,
    allowSharedVolumes,
  }).map((issue) => issue.message);
  if (spec.hostname !== undefined && spec.replicas > 1) {
    problems.push(`hostname ${spec.hostname} would be the same in all ${spec.replicas} replicas; remove hostname or use one replica`);
  }
  const published = proxiedPorts(spec).map((p) => p.published);
  const duplicate = published.find((port, index) => published.indexOf(port) !== index);
  if (duplicate !== undefined) problems.push(`port ${duplicate} is published twice`);
  if (batch < 1) problems.push("update.batch must be at least 1");
  if (spec.replicas < 0 || !Number.isInteger(spec.replicas)) problems.push(`replicas must be a whole number, 0 or more (not ${spec.replicas})`);
  if (problems.length === 0) return;
  throw new SlipwayError("SERVICE_SPEC_INVALID", `service ${spec.service} (${spec.environment}) cannot be deployed as written: ${problems[0]}`, {
    details: problems.slice(1),
    hint: "change the service in slipway.yml; nothing was stopped",
  });
}
