import type { ServiceSpec } from "../../../src/deploy/index.js";

export function webSpec(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    service: "web",
    environment: "prod",
    image: "localhost:5000/web:v1",
    command: ["httpd", "-f", "-p", "8080"],
    env: { GREETING: "hello" },
    labels: { team: "data" },
    ports: [{ target: 8080, published: 18080, protocol: "tcp" }],
    volumes: [],
    networks: [],
    replicas: 1,
    health: { probe: { kind: "http", path: "/" }, startPeriodMs: 0, intervalMs: 200, timeoutMs: 1000, retries: 3, deadlineMs: 20_000 },
    update: { strategy: "blue-green", batch: 1, drainMs: 0, keep: 5, allowSharedVolumes: false },
    ...overrides,
  };
}
