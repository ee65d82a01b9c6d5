import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { planRecreate, type ContainerInspect, type ImageConfig, type Preflight, type RecreatePlan } from "../../../src/autoupdate/index.js";

/** Inspect JSON captured from containers made with the docker CLI (see fixtures/README.md). */
function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../../test/unit/autoupdate/fixtures/${name}.json`, import.meta.url), "utf8")) as T;
}

const full = (): ContainerInspect => fixture("container-full");
const plain = (): ContainerInspect => fixture("container-plain");
const image = (): ImageConfig => fixture("image-v1-config");

function plan(container: ContainerInspect, others: { name: string; hostConfig: Record<string, unknown> }[] = []): RecreatePlan {
  const result = planRecreate({ container, oldImage: image(), image: "autu-fixture:v1", others });
  assert.ok(result.ok, `refused: ${result.ok ? "" : result.problems.join("; ")}`);
  return result.plan;
}

function problems(result: Preflight): readonly string[] {
  assert.ok(!result.ok, "expected a refusal");
  return result.problems;
}

function edited(base: ContainerInspect, edit: (json: { Config: Record<string, unknown>; HostConfig: Record<string, unknown> }) => void): ContainerInspect {
  const copy = structuredClone(base) as ContainerInspect & { Config: Record<string, unknown>; HostConfig: Record<string, unknown> };
  edit(copy);
  return copy;
}

test("a CLI-made container: what the user set is kept, what the old image provided is left to the new image", () => {
  const p = plan(full());
  assert.deepEqual(p.body.Env, ["APP_KEY=secret-ish"], "PATH, MODE and GREETING=v1 are the image's (GREETING was also given equal to it: indistinguishable)");
  assert.equal(p.body.Cmd, undefined, "the image's CMD is not frozen");
  assert.equal(p.body.WorkingDir, undefined, "the image's WORKDIR is not frozen");
  assert.deepEqual(p.body.Labels, { "dev.slipway.auto-update": "true", team: "data" });
  assert.deepEqual(p.body.Healthcheck, { Test: ["CMD-SHELL", "true"], Interval: 1_000_000_000 });
  assert.deepEqual(p.body.ExposedPorts, { "8080/tcp": {} });
  assert.equal(p.body.Hostname, undefined, "the engine-chosen hostname (the short id) is not copied");
  assert.equal(p.body.Image, "autu-fixture:v1");
  assert.ok(p.fromImage.includes("Env MODE") && p.fromImage.includes("Cmd") && p.fromImage.includes("Labels org.example.version"));
});

test("a CLI-made container: HostConfig, networks with aliases and a static address, volumes", () => {
  const p = plan(full());
  const host = p.body.HostConfig as Record<string, unknown>;
  assert.deepEqual(host.Binds, ["autu-fx-data:/data", "/tmp/autu-bind:/host:ro"]);
  assert.deepEqual(host.RestartPolicy, { Name: "unless-stopped", MaximumRetryCount: 0 });
  assert.equal(host.Memory, 64 * 1024 * 1024);
  assert.deepEqual(host.PortBindings, { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "18081" }] });
  assert.equal(host.NetworkMode, "autu-fx-a");
  assert.equal("ContainerIDFile" in host, false);
  assert.deepEqual(p.body.NetworkingConfig, { EndpointsConfig: { "autu-fx-a": { Aliases: ["web"], IPAMConfig: { IPv4Address: "10.231.0.7" } } } });
  assert.deepEqual(p.connect, [{ network: "autu-fx-b", endpoint: { Aliases: ["web2"] } }], "the old short id is not an alias of the new container");
  assert.deepEqual(p.anonymousVolumes, [{ name: "134e251cf737e281ac1bc69d493f94ad618d929833e4f72d7db8e39a13e53440", target: "/anon" }]);
  assert.deepEqual(host.Mounts, [
    { Type: "volume", Source: "134e251cf737e281ac1bc69d493f94ad618d929833e4f72d7db8e39a13e53440", Target: "/anon", ReadOnly: false },
  ]);
  assert.equal(p.order, "stop-first");
  assert.deepEqual(p.stopFirstBecause, [
    "host port 18081->8080/tcp",
    "static address autu-fx-a 10.231.0.7",
    "writable volume at /data",
    "writable volume at /anon",
  ]);
  assert.equal(p.temporaryName, "autu-fx-full-slipway-new");
});

test("an entrypoint given by the user is kept with its command; capabilities, ulimits and sysctls are copied as inspected", () => {
  const p = plan(plain());
  assert.deepEqual(p.body.Entrypoint, ["sh"]);
  assert.deepEqual(p.body.Cmd, ["-c", "sleep 1000"]);
  assert.deepEqual(p.body.Env, ["EXTRA=1"]);
  const host = p.body.HostConfig as Record<string, unknown>;
  assert.deepEqual(host.CapAdd, ["CAP_NET_ADMIN"]);
  assert.deepEqual(host.Ulimits, [{ Name: "nofile", Hard: 2048, Soft: 1024 }]);
  assert.deepEqual(host.Sysctls, { "net.ipv4.ip_unprivileged_port_start": "0" });
  assert.equal(p.order, "start-first", "no fixed port, no static address, no volume: the new one starts before the old stops");
  assert.equal(p.body.NetworkingConfig, undefined);
  assert.deepEqual(p.connect, []);
});

test("refused before anything is stopped: --rm and --volumes-from, each naming its field", () => {
  const found = problems(planRecreate({ container: fixture("container-rm"), oldImage: image(), image: "x", others: [] }));
  assert.equal(found.length, 2);
  assert.match(found[0] ?? "", /HostConfig\.AutoRemove \(--rm\)/);
  assert.match(found[1] ?? "", /HostConfig\.VolumesFrom \(--volumes-from\)/);
});

test("refused: a container in another container's network namespace, and the container whose namespace others use", () => {
  const netshare = fixture<ContainerInspect>("container-netshare");
  assert.match(
    problems(planRecreate({ container: netshare, oldImage: image(), image: "x", others: [] }))[0] ?? "",
    /HostConfig\.NetworkMode is container:[0-9a-f]{64} \(--network container:…\)/,
  );
  const owner = plain();
  const found = problems(
    planRecreate({ container: owner, oldImage: image(), image: "x", others: [{ name: "autu-fx-netshare", hostConfig: netshare.HostConfig }] }),
  );
  assert.match(found[0] ?? "", /container autu-fx-netshare uses this container through HostConfig\.NetworkMode/);
});

test("refused: legacy links, a name clash, unknown fields set; unknown fields left at their default pass", () => {
  const linked = edited(plain(), (json) => (json.HostConfig.Links = ["/db:/autu-fx-plain/db"]));
  assert.match(problems(planRecreate({ container: linked, oldImage: image(), image: "x", others: [] }))[0] ?? "", /HostConfig\.Links \(--link/);
  const clash = planRecreate({ container: plain(), oldImage: image(), image: "x", others: [{ name: "autu-fx-plain-slipway-new", hostConfig: {} }] });
  assert.match(problems(clash)[0] ?? "", /a container named autu-fx-plain-slipway-new already exists/);
  const future = edited(plain(), (json) => (json.HostConfig.Annotations = { "io.example": "1" }));
  assert.match(
    problems(planRecreate({ container: future, oldImage: image(), image: "x", others: [] }))[0] ?? "",
    /HostConfig\.Annotations is set .* does not know how to reproduce it/,
  );
  const futureConfig = edited(plain(), (json) => (json.Config.Frobnicate = true));
  assert.match(problems(planRecreate({ container: futureConfig, oldImage: image(), image: "x", others: [] }))[0] ?? "", /Config\.Frobnicate is set/);
  const unsetFuture = edited(plain(), (json) => (json.HostConfig.Annotations = null));
  assert.ok(planRecreate({ container: unsetFuture, oldImage: image(), image: "x", others: [] }).ok);
});

test("an explicit hostname, a changed image value and a --mount volume without a source are kept", () => {
  const container = edited(plain(), (json) => {
    json.Config.Hostname = "worker-1";
    json.Config.WorkingDir = "/elsewhere";
    json.HostConfig.Mounts = [{ Type: "volume", Target: "/cache" }];
  });
  (container as unknown as { Mounts: unknown[] }).Mounts = [{ Type: "volume", Name: "abc123", Destination: "/cache", Driver: "local", RW: true }];
  const p = plan(container);
  assert.equal(p.body.Hostname, "worker-1");
  assert.equal(p.body.WorkingDir, "/elsewhere");
  assert.deepEqual((p.body.HostConfig as Record<string, unknown>).Mounts, [{ Type: "volume", Target: "/cache", Source: "abc123" }]);
  assert.deepEqual(p.anonymousVolumes, [], "declared by --mount: kept by giving it its source, not added again");
  assert.deepEqual(p.stopFirstBecause, ["writable volume at /cache"]);
});

test("a container on the default bridge joined to a user network later: the user network is connected after create", () => {
  const container = edited(plain(), () => undefined);
  (container as { NetworkSettings: unknown }).NetworkSettings = {
    Networks: {
      bridge: { Aliases: null, IPAMConfig: null, NetworkID: "n1" },
      extra: { Aliases: ["svc", container.Id.slice(0, 12)], IPAMConfig: null, NetworkID: "n2" },
    },
  };
  const p = plan(container);
  assert.equal(p.body.NetworkingConfig, undefined);
  assert.deepEqual(p.connect, [{ network: "extra", endpoint: { Aliases: ["svc"] } }]);
});
