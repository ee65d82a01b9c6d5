import { createHash } from "node:crypto";

/** Labels on everything a deployment creates, so actual state can be read from the engine. */
export const LABEL = {
  managed: "dev.slipway.managed",
  service: "dev.slipway.service",
  environment: "dev.slipway.environment",
  revision: "dev.slipway.revision",
  replica: "dev.slipway.replica",
  specHash: "dev.slipway.spec-hash",
  deployment: "dev.slipway.deployment",
} as const;

export function serviceSelector(service: string, environment: string): Record<string, string> {
  return { [LABEL.managed]: "true", [LABEL.service]: service, [LABEL.environment]: environment };
}

export function revisionOf(labels: Readonly<Record<string, string>>): number | undefined {
  const value = labels[LABEL.revision];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** `<service>-<environment>-r<revision>-<replica>`: readable in `docker ps`, unique per revision. */
export function containerName(service: string, environment: string, revision: number, replica: number): string {
  return `${service}-${environment}-r${revision}-${replica}`;
}

/** The proxy takes route ids of at most this many characters. */
const ROUTE_ID_MAX = 63;

/**
 * The proxy route of one published port of a service in an environment: `<service>-<environment>-<port>`,
 * or when that is too long for the proxy, its start, a hash of the whole and the port (stable, unique).
 */
export function routeId(service: string, environment: string, port: number): string {
  const id = `${service}-${environment}-${port}`;
  if (id.length <= ROUTE_ID_MAX) return id;
  const tail = `-${createHash("sha256").update(id).digest("hex").slice(0, 10)}-${port}`;
  return `${id.slice(0, ROUTE_ID_MAX - tail.length)}${tail}`;
}
