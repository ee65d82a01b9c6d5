import { test } from "node:test";
import assert from "node:assert/strict";
import { serviceSchema, type ServiceConfig } from "../../../src/config/service-schema.js";

function service(value: Record<string, unknown>): ServiceConfig {
  const result = serviceSchema.safeParse(value);
  assert.ok(result.success, `expected ${JSON.stringify(value)} to parse: ${JSON.stringify(result.error?.issues ?? [])}`);
  return result.data;
}

function problems(value: Record<string, unknown>): { path: string; message: string }[] {
  const result = serviceSchema.safeParse(value);
  assert.ok(!result.success, `expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

function problemAt(value: Record<string, unknown>, path: string): string {
  const found = problems(value).find((problem) => problem.path === path);
  assert.ok(found, `expected a problem at ${path}, got ${JSON.stringify(problems(value))}`);
  return found.message;
}

test("a service with only an image gets every default", () => {
  assert.deepEqual(service({ image: "busybox:1.36" }), {
    image: "busybox:1.36",
    ports: [],
    volumes: [],
    environment: {},
    envFiles: [],
    labels: {},
    restart: { policy: "unless-stopped" },
    networks: [],
    replicas: 1,
    stopGracePeriod: 10_000,
    init: false,
    readOnly: false,
    dependsOn: [],
    health: { kind: "running", startPeriod: 0, interval: 2_000, timeout: 5_000, deadline: 60_000 },
    update: { strategy: "blue-green", batch: 1, drain: 10_000, keep: 5, allowSharedVolumes: false, hostsParallel: 1 },
  });
});

test("image: a graph image name or an external reference; anything else is refused", () => {
  for (const image of ["app1-prod", "busybox", "busybox:1.36", "127.0.0.1:5000/org/app:20180923T082316Z", "ghcr.io/org/app@sha256:" + "a".repeat(64)]) {
    assert.equal(service({ image }).image, image);
  }
  assert.match(problemAt({ image: "my app" }, "image"), /expected an image/);
  assert.match(problemAt({ image: "-app" }, "image"), /expected an image/);
  assert.match(problemAt({ image: "Org/App:1" }, "image"), /lowercase/);
  assert.match(problemAt({}, "image"), /./);
});

test("command and entrypoint: a list, or a string split into words without a shell", () => {
  const parsed = service({ image: "app", command: `python -u "my app.py" --name='a b'`, entrypoint: ["/usr/bin/tini", "--"] });
  assert.deepEqual(parsed.command, ["python", "-u", "my app.py", "--name=a b"]);
  assert.deepEqual(parsed.entrypoint, ["/usr/bin/tini", "--"]);
  assert.deepEqual(service({ image: "app", command: ["sleep", 5] }).command, ["sleep", "5"]);
  assert.deepEqual(service({ image: "app", entrypoint: "" }).entrypoint, []);
  assert.deepEqual(service({ image: "app", entrypoint: [] }).entrypoint, []);
  assert.match(problemAt({ image: "app", command: 'echo "open' }, "command"), /never closed/);
  assert.match(problemAt({ image: "app", command: "a | b" }, "command"), /shell operator/);
  assert.match(problemAt({ image: "app", command: [] }, "command"), /command is empty/);
  assert.match(problemAt({ image: "app", command: "" }, "command"), /command is empty/);
});

test("restart: no, always, unless-stopped, on-failure and on-failure:N", () => {
  assert.deepEqual(service({ image: "app", restart: "no" }).restart, { policy: "no" });
  assert.deepEqual(service({ image: "app", restart: false }).restart, { policy: "no" });
  assert.deepEqual(service({ image: "app", restart: "always" }).restart, { policy: "always" });
  assert.deepEqual(service({ image: "app", restart: "unless-stopped" }).restart, { policy: "unless-stopped" });
  assert.deepEqual(service({ image: "app", restart: "on-failure" }).restart, { policy: "on-failure" });
  assert.deepEqual(service({ image: "app", restart: "on-failure:3" }).restart, { policy: "on-failure", maxRetries: 3 });
  assert.match(problemAt({ image: "app", restart: "sometimes" }, "restart"), /not a restart policy/);
  assert.match(problemAt({ image: "app", restart: "always:3" }, "restart"), /not a restart policy/);
});

test("resources: mem_limit or memory in bytes, cpus as a number", () => {
  assert.equal(service({ image: "app", mem_limit: "512m" }).memoryBytes, 512 * 1024 * 1024);
  assert.equal(service({ image: "app", memory: "1g" }).memoryBytes, 1024 ** 3);
  assert.equal(service({ image: "app", mem_limit: 1048576 }).memoryBytes, 1048576);
  assert.equal(service({ image: "app", cpus: 0.5 }).cpus, 0.5);
  assert.equal(service({ image: "app", cpus: "1.5" }).cpus, 1.5);
  assert.match(problemAt({ image: "app", mem_limit: "lots" }, "mem_limit"), /size/);
  assert.match(problemAt({ image: "app", cpus: 0 }, "cpus"), /more than 0/);
  assert.match(problemAt({ image: "app", mem_limit: "512m", memory: "1g" }, "memory"), /disagrees with mem_limit/);
  assert.equal(service({ image: "app", mem_limit: "1g", memory: "1024m" }).memoryBytes, 1024 ** 3);
});

test("user, working_dir, hostname, stop_grace_period, stop_signal, init, read_only", () => {
  const parsed = service({
    image: "app",
    user: 1000,
    working_dir: "/srv",
    hostname: "web-1",
    stop_grace_period: "1m30s",
    stop_signal: "SIGQUIT",
    init: true,
    read_only: true,
  });
  assert.equal(parsed.user, "1000");
  assert.equal(parsed.workingDir, "/srv");
  assert.equal(parsed.hostname, "web-1");
  assert.equal(parsed.stopGracePeriod, 90_000);
  assert.equal(parsed.stopSignal, "SIGQUIT");
  assert.equal(parsed.init, true);
  assert.equal(parsed.readOnly, true);
  assert.equal(service({ image: "app", user: "www-data:www-data", stop_grace_period: 5 }).user, "www-data:www-data");
  assert.equal(service({ image: "app", stop_grace_period: 5 }).stopGracePeriod, 5_000);
  assert.match(problemAt({ image: "app", working_dir: "srv" }, "working_dir"), /absolute/);
  assert.match(problemAt({ image: "app", hostname: "web_1" }, "hostname"), /host name/);
  assert.match(problemAt({ image: "app", stop_signal: "sigterm" }, "stop_signal"), /signal/);
  assert.match(problemAt({ image: "app", user: "a b" }, "user"), /user/);
});

test("networks: a list of names, or a mapping with aliases", () => {
  assert.deepEqual(service({ image: "app", networks: ["front", "back"] }).networks, [
    { name: "front", aliases: [] },
    { name: "back", aliases: [] },
  ]);
  assert.deepEqual(service({ image: "app", networks: { front: { aliases: ["www", "web.internal"] }, back: null } }).networks, [
    { name: "front", aliases: ["www", "web.internal"] },
    { name: "back", aliases: [] },
  ]);
  assert.match(problemAt({ image: "app", networks: { front: { ipv4_address: "10.0.0.2" } } }, "networks.front"), /Unrecognized key: "ipv4_address"/);
  assert.match(problemAt({ image: "app", networks: { front: { aliases: ["not valid"] } } }, "networks.front.aliases.0"), /host name/);
});

test("healthcheck: compose's test forms become CMD, CMD-SHELL or NONE, with durations in milliseconds", () => {
  assert.deepEqual(
    service({
      image: "app",
      healthcheck: { test: ["CMD", "wget", "-q", "http://localhost/"], interval: "5s", timeout: "2s", retries: 3, start_period: "10s", start_interval: "1s" },
    }).healthcheck,
    {
      test: ["CMD", "wget", "-q", "http://localhost/"],
      interval: 5_000,
      timeout: 2_000,
      retries: 3,
      startPeriod: 10_000,
      startInterval: 1_000,
    },
  );
  assert.deepEqual(service({ image: "app", healthcheck: { test: "curl -f http://localhost/ || exit 1" } }).healthcheck, {
    test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
  });
  assert.deepEqual(service({ image: "app", healthcheck: { test: ["CMD-SHELL", "pg_isready"] } }).healthcheck, { test: ["CMD-SHELL", "pg_isready"] });
  assert.deepEqual(service({ image: "app", healthcheck: { disable: true } }).healthcheck, { test: ["NONE"] });
  assert.deepEqual(service({ image: "app", healthcheck: { test: ["NONE"] } }).healthcheck, { test: ["NONE"] });
  assert.deepEqual(service({ image: "app", healthcheck: { interval: "30s" } }).healthcheck, { interval: 30_000 });
  assert.match(problemAt({ image: "app", healthcheck: { test: ["wget", "x"] } }, "healthcheck.test"), /must start with CMD, CMD-SHELL or NONE/);
  assert.match(problemAt({ image: "app", healthcheck: { test: ["CMD"] } }, "healthcheck.test"), /needs the program/);
  assert.match(problemAt({ image: "app", healthcheck: { test: ["CMD-SHELL", "a", "b"] } }, "healthcheck.test"), /exactly one command string/);
  assert.match(problemAt({ image: "app", healthcheck: { interval: "soon" } }, "healthcheck.interval"), /duration/);
});

test("environments: the environments the service deploys to; absent means all", () => {
  assert.equal(service({ image: "app" }).environments, undefined);
  assert.deepEqual(service({ image: "app", environments: ["prod", "test1"] }).environments, ["prod", "test1"]);
  assert.match(problemAt({ image: "app", environments: [] }, "environments"), /deploy somewhere/);
  assert.match(problemAt({ image: "app", environments: ["prod", "prod"] }, "environments"), /listed twice/);
  assert.match(problemAt({ image: "app", environments: ["Prod"] }, "environments.0"), /environment name/);
});

test("depends_on: a list, or a mapping with condition service_started; other conditions are refused", () => {
  assert.deepEqual(service({ image: "app", depends_on: ["db", "cache"] }).dependsOn, ["db", "cache"]);
  assert.deepEqual(service({ image: "app", depends_on: { db: { condition: "service_started" }, cache: {} } }).dependsOn, ["db", "cache"]);
  assert.match(
    problemAt({ image: "app", depends_on: { db: { condition: "service_healthy" } } }, "depends_on"),
    /only condition: service_started.*own health: section/,
  );
});

test("replicas, and compose's deploy section folded in", () => {
  const parsed = service({
    image: "app",
    ports: ["8080:80"],
    deploy: {
      mode: "replicated",
      replicas: 3,
      resources: { limits: { memory: "256m", cpus: "0.25" } },
      update_config: { parallelism: 2, order: "start-first" },
    },
  });
  assert.equal(parsed.replicas, 3);
  assert.equal(parsed.memoryBytes, 256 * 1024 * 1024);
  assert.equal(parsed.cpus, 0.25);
  assert.deepEqual(parsed.update, { strategy: "rolling", batch: 2, drain: 10_000, keep: 5, allowSharedVolumes: false, hostsParallel: 1 });
  assert.equal(service({ image: "app", replicas: 0 }).replicas, 0);
  assert.equal(service({ image: "app", deploy: { update_config: { order: "stop-first" } } }).update.strategy, "recreate");
  assert.equal(service({ image: "app", ports: ["80:80"], deploy: { update_config: { order: "start-first" } } }).update.strategy, "blue-green");
});

test("deploy: values given twice must agree, and Swarm-only parts are refused", () => {
  assert.match(problemAt({ image: "app", replicas: 2, deploy: { replicas: 3 } }, "deploy.replicas"), /disagrees with replicas/);
  assert.match(problemAt({ image: "app", cpus: 1, deploy: { resources: { limits: { cpus: 2 } } } }, "deploy.resources.limits.cpus"), /disagrees with cpus/);
  assert.match(
    problemAt({ image: "app", update: { strategy: "recreate" }, deploy: { update_config: { order: "start-first" } } }, "deploy.update_config.order"),
    /disagrees with update.strategy/,
  );
  assert.match(problemAt({ image: "app", deploy: { mode: "global" } }, "deploy.mode"), /"global".*not supported/);
  assert.match(problemAt({ image: "app", deploy: { placement: { constraints: [] } } }, "deploy.placement"), /Slipway cannot reproduce "deploy.placement"/);
  assert.match(problemAt({ image: "app", deploy: { restart_policy: { condition: "any" } } }, "deploy.restart_policy"), /use restart:/);
  assert.match(problemAt({ image: "app", deploy: { resources: { reservations: { memory: "1g" } } } }, "deploy.resources.reservations"), /reserve/);
  assert.match(problemAt({ image: "app", deploy: { update_config: { delay: "10s" } } }, "deploy.update_config.delay"), /health gate/);
});

test("extension keys (x-...) are ignored, unknown keys are errors", () => {
  assert.equal(service({ image: "app", "x-owner": "team-web" }).image, "app");
  const [problem] = problems({ image: "app", imagee: "x" });
  assert.equal(problem?.message, 'Unrecognized key: "imagee"');
});

test("mounts over the same path and host ports published twice are refused", () => {
  assert.match(problemAt({ image: "app", volumes: ["./a:/data"], tmpfs: ["/data"] }, "volumes.1"), /\/data is mounted twice/);
  assert.match(
    problemAt({ image: "app", ports: ["8080:80", "8080:81"], update: { strategy: "recreate" } }, "ports.1"),
    /host port 8080\/tcp is published twice/,
  );
  assert.equal(service({ image: "app", ports: ["8080:80", "8080:80/udp"], update: { strategy: "recreate" } }).ports.length, 2);
});

test("tmpfs entries join the volumes as tmpfs mounts", () => {
  assert.deepEqual(service({ image: "app", volumes: ["./a:/a"], tmpfs: "/run" }).volumes, [
    { type: "bind", source: "./a", target: "/a", readOnly: false },
    { type: "tmpfs", target: "/run", readOnly: false },
  ]);
});
