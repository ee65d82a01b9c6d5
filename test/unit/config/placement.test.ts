import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { placeService } from "../../../src/config/placement.js";
import { details } from "./config-problems.js";

const hosts = `hosts:
  web1: { docker_host: "ssh://deploy@10.0.0.1", roles: [web] }
  web2: { docker_host: "ssh://deploy@10.0.0.2", roles: [web, edge] }
  jobs1: { docker_host: "tcp://10.0.0.3:2376", docker_tls_verify: true, roles: [worker] }
`;

test("an environment's hosts: names and roles, expanded in the order written, each host once; a service narrows them", () => {
  const { config } = parseConfigText(
    `${hosts}environments:
  prod: { hosts: [jobs1, web] }
  test: { hosts: [web2] }
  local: {}
services:
  api: { image: "busybox:1.36" }
  edge: { image: "busybox:1.36", hosts: [edge], environments: [prod, test] }
  worker: { image: "busybox:1.36", hosts: [worker], environments: [prod] }
`,
    { env: {} },
  );
  assert.deepEqual(placeService(config, "api", "prod"), ["jobs1", "web1", "web2"]);
  assert.deepEqual(placeService(config, "api", "test"), ["web2"]);
  assert.equal(placeService(config, "api", "local"), undefined, "an environment without hosts: runs on its docker_host");
  assert.deepEqual(placeService(config, "edge", "prod"), ["web2"]);
  assert.deepEqual(placeService(config, "worker", "prod"), ["jobs1"]);
  assert.equal(config.services.api?.update.hostsParallel, 1);
});

test("a host or role that names nothing, a name both a host and a role, and a service placed on none of an environment's hosts are refused where written", () => {
  const text = `${hosts}  edge: { docker_host: "ssh://deploy@10.0.0.9" }
environments:
  prod: { hosts: [web, wbe2] }
  test: { hosts: [jobs1] }
services:
  api: { image: "busybox:1.36", hosts: [web] }
`;
  assert.deepEqual(details(text), [
    'slipway.yml:5:3: hosts.edge: "edge" is both a host and a role of another host: rename one, so hosts: lists mean one thing',
    'slipway.yml:7:24: environments.prod.hosts[1]: no host or role named "wbe2" — did you mean "web2"? (hosts and roles: web1, web2, jobs1, edge, web, worker)',
    "slipway.yml:10:40: services.api.hosts: none of environment test's hosts (jobs1) is among web",
  ]);
});

test("an environment on hosts: and a docker_host at once, or a bad update.hosts_parallel, is refused", () => {
  assert.deepEqual(
    details(
      `${hosts}environments:\n  prod: { hosts: [web], docker_host: "tcp://10.0.0.5:2375" }\nservices:\n  api: { image: "busybox:1.36", update: { hosts_parallel: 0 } }\n`,
    ),
    [
      "slipway.yml:6:38: environments.prod.docker_host: an environment runs on its hosts: or on its docker_host, not both: give the hosts their own docker_host under hosts:",
      "slipway.yml:8:59: services.api.update.hosts_parallel: at least 1 host at a time",
    ],
  );
});

test("a service's hosts: when none of its environments has hosts: is refused", () => {
  assert.deepEqual(details(`${hosts}environments:\n  local: {}\nservices:\n  api: { image: "busybox:1.36", hosts: [web] }\n`), [
    "slipway.yml:8:33: services.api.hosts: hosts: chooses among an environment's hosts, and none of this service's environments has hosts: (give the environment hosts:, or leave the service's out)",
  ]);
});

test("a host without docker_host, or with TLS on an ssh:// engine, is refused", () => {
  const found = details(`hosts:\n  a: { roles: [web] }\n  b: { docker_host: "ssh://x@y", docker_tls_verify: true }\n`);
  assert.ok(
    found.some((line) => line.includes('hosts.a.docker_host: missing required key "docker_host"')),
    found.join("\n"),
  );
  assert.ok(
    found.some((line) => line.includes("hosts.b.docker_host: TLS (docker_tls_verify, docker_cert_path) applies to a tcp:// docker_host only")),
    found.join("\n"),
  );
});
