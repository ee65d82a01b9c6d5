import { test } from "node:test";
import assert from "node:assert/strict";
import { laterNetworks, toCreateOptions, type ContainerSpec } from "../../../src/engine/container-spec.js";

test("a minimal spec gives the image, its labels and nothing the engine would not default", () => {
  assert.deepEqual(toCreateOptions({ image: "app:1" }), {
    Image: "app:1",
    Labels: {},
    Tty: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: { AutoRemove: false },
  });
});

test("a full service spec maps to exactly the Engine API create body", () => {
  const spec: ContainerSpec = {
    name: "api-blue",
    image: "127.0.0.1:5000/app1-prod:20180923T082316Z",
    command: ["python", "-u", "serve.py"],
    entrypoint: ["/usr/bin/tini", "--"],
    env: { PORT: "8080", MODE: "prod" },
    labels: { "slipway.service": "api", "slipway.revision": "abc123" },
    ports: [
      { containerPort: 8080, hostPort: 18080, hostIp: "127.0.0.1" },
      { containerPort: 8080, hostPort: 18081, hostIp: "::1" },
      { containerPort: 9090, hostPort: 0 },
      { containerPort: 5353, protocol: "udp" },
    ],
    mounts: [
      { type: "bind", source: "/srv/app/config", target: "/config", readOnly: true },
      { type: "volume", source: "app-data", target: "/data" },
      { type: "tmpfs", target: "/tmp", sizeBytes: 1_048_576 },
    ],
    restart: { name: "on-failure", maximumRetryCount: 5 },
    memoryBytes: 268_435_456,
    nanoCpus: 1_500_000_000,
    user: "1000:1000",
    workingDir: "/app",
    hostname: "api",
    networks: [{ name: "front", aliases: ["api", "api-blue"] }, { name: "back" }],
    healthcheck: {
      test: ["CMD", "wget", "-q", "-O-", "http://localhost:8080/healthz"],
      intervalSeconds: 2,
      timeoutSeconds: 1.5,
      startPeriodSeconds: 5,
      retries: 3,
    },
    stopSignal: "SIGINT",
    stopTimeoutSeconds: 20,
    init: true,
    tty: false,
    autoRemove: false,
    readOnlyRootFilesystem: true,
  };
  assert.deepEqual(toCreateOptions(spec), {
    name: "api-blue",
    Image: "127.0.0.1:5000/app1-prod:20180923T082316Z",
    Cmd: ["python", "-u", "serve.py"],
    Entrypoint: ["/usr/bin/tini", "--"],
    Env: ["PORT=8080", "MODE=prod"],
    Labels: { "slipway.service": "api", "slipway.revision": "abc123" },
    ExposedPorts: { "8080/tcp": {}, "9090/tcp": {}, "5353/udp": {} },
    User: "1000:1000",
    WorkingDir: "/app",
    Hostname: "api",
    Healthcheck: {
      Test: ["CMD", "wget", "-q", "-O-", "http://localhost:8080/healthz"],
      Interval: 2_000_000_000,
      Timeout: 1_500_000_000,
      StartPeriod: 5_000_000_000,
      Retries: 3,
    },
    StopSignal: "SIGINT",
    StopTimeout: 20,
    Tty: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      AutoRemove: false,
      PortBindings: {
        "8080/tcp": [
          { HostIp: "127.0.0.1", HostPort: "18080" },
          { HostIp: "::1", HostPort: "18081" },
        ],
        "9090/tcp": [{ HostIp: "", HostPort: "" }],
      },
      Mounts: [
        { Type: "bind", Source: "/srv/app/config", Target: "/config", ReadOnly: true },
        { Type: "volume", Source: "app-data", Target: "/data", ReadOnly: false },
        { Type: "tmpfs", Source: "", Target: "/tmp", TmpfsOptions: { SizeBytes: 1_048_576, Mode: 0o1777 } },
      ],
      RestartPolicy: { Name: "on-failure", MaximumRetryCount: 5 },
      Memory: 268_435_456,
      NanoCpus: 1_500_000_000,
      Init: true,
      ReadonlyRootfs: true,
      NetworkMode: "front",
    },
    NetworkingConfig: { EndpointsConfig: { front: { Aliases: ["api", "api-blue"] } } },
  });
  assert.deepEqual(laterNetworks(spec), [{ name: "back" }]);
});

test("restart policies other than on-failure carry no retry count; an empty port list exposes nothing", () => {
  assert.deepEqual(toCreateOptions({ image: "a", restart: { name: "unless-stopped" } }).HostConfig.RestartPolicy, { Name: "unless-stopped" });
  assert.deepEqual(toCreateOptions({ image: "a", restart: { name: "on-failure" } }).HostConfig.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 0 });
  const body = toCreateOptions({ image: "a", ports: [], mounts: [], networks: [] });
  assert.equal(body.ExposedPorts, undefined);
  assert.equal(body.HostConfig.Mounts, undefined);
  assert.equal(body.NetworkingConfig, undefined);
});

test("the spec is copied, not shared: changing the body later does not change the spec", () => {
  const spec: ContainerSpec = { image: "a", command: ["sh"], labels: { a: "1" } };
  const body = toCreateOptions(spec);
  body.Cmd?.push("-c");
  body.Labels.b = "2";
  assert.deepEqual(spec, { image: "a", command: ["sh"], labels: { a: "1" } });
});
