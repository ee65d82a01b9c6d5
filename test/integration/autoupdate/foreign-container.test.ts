import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  AUTO_UPDATE_LABEL,
  SCOPE_LABEL,
  checkWatchedContainer,
  cleanupImages,
  listWatchedContainers,
  type ForeignCheckPorts,
  type WatchedContainer,
} from "../../../src/autoupdate/index.js";
import { createRegistryPool } from "../../../src/builder/registry-reader.js";
import type { Engine } from "../../../src/engine/index.js";
import { connectRawContainers } from "../../../src/engine/raw-create.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { buildVersion, docker, inspect, labelFlags, randomSubnet } from "./helpers.js";

let engine: Engine;
let registry: TestRegistry;
let ports: ForeignCheckPorts;
let bindDir: string;
const lines: string[] = [];
const anonymous: string[] = [];
/** This run's containers carry their own scope, so no other controller on the engine acts on them. */
const SCOPE = `test-${testRunId}`;

/** The labels that opt a container in (`true` or `monitor`), in this run's scope. */
function watchFlags(mode: "true" | "monitor"): string[] {
  return ["--label", `${AUTO_UPDATE_LABEL}=${mode}`, "--label", `${SCOPE_LABEL}=${SCOPE}`];
}

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry();
  bindDir = mkdtempSync(join(tmpdir(), "slipway-autoupdate-bind-"));
  writeFileSync(join(bindDir, "config.txt"), "from the host");
  ports = { engine, raw: connectRawContainers(), registries: createRegistryPool(), log: (line) => lines.push(line) };
});

after(async () => {
  await cleanupTestRun(engine);
  for (const name of anonymous) await engine.removeVolume(name).catch(() => false);
  await registry.stop();
  rmSync(bindDir, { recursive: true, force: true });
});

/** v1 pushed under REPO:qa and local; returns the tag and a function pushing v2 under the same tag. */
async function followedTag(prefix: string): Promise<{ ref: string; v1: string; pushV2: () => Promise<string> }> {
  const ref = `${registry.host}/${testName(prefix)}:qa`;
  const v1 = await buildVersion(engine, ref, "v1");
  await engine.push(ref);
  return {
    ref,
    v1,
    async pushV2() {
      const v2 = await buildVersion(engine, ref, "v2");
      await engine.push(ref);
      await engine.tagImage(v1, ref); // this host still has v1 under the tag, as before a pull
      return v2;
    },
  };
}

async function watched(name: string): Promise<WatchedContainer> {
  const found = (await listWatchedContainers(engine, { scope: SCOPE })).find((c) => c.name === name);
  assert.ok(found, `${name} is not listed as watched`);
  return found;
}

test("a CLI-made container with volumes, two networks, a static address, env, labels, restart policy, memory and healthcheck is recreated exactly on the new image", async () => {
  const { ref, v1, pushV2 } = await followedTag("full");
  const name = testName("full");
  const volume = testName("data");
  const [netA, netB] = [testName("net-a"), testName("net-b")];
  const { subnet, address } = randomSubnet();
  await docker("volume", "create", ...labelFlags(), "--", volume);
  await docker("network", "create", ...labelFlags(), "--subnet", subnet, "--", netA);
  await docker("network", "create", ...labelFlags(), "--", netB);
  await docker(
    "run",
    "-d",
    "--name",
    name,
    ...labelFlags(),
    ...watchFlags("true"),
    "--label",
    "team=data",
    "--network",
    netA,
    "--network-alias",
    "web",
    "--ip",
    address,
    "-v",
    `${volume}:/data`,
    "-v",
    `${bindDir}:/host:ro`,
    "-v",
    "/anon",
    "-e",
    "APP_KEY=k1",
    "--restart",
    "unless-stopped",
    "--memory",
    "64m",
    "--health-cmd",
    "true",
    "--health-interval",
    "1s",
    "--",
    ref,
  );
  await docker("network", "connect", "--alias", "web2", "--", netB, name);
  await docker("exec", name, "sh", "-c", "echo kept > /data/note; echo kept > /anon/note");
  const before = await inspect(name);
  anonymous.push(...before.Mounts.filter((m) => m.Destination === "/anon").map((m) => m.Name ?? ""));
  const v2 = await pushV2();

  const report = await checkWatchedContainer(ports, await watched(name), { ready: { timeoutMs: 20_000 } });

  assert.equal(report.status, "updated", JSON.stringify(report));
  assert.ok(report.status === "updated" && report.order === "stop-first" && report.previousImageId === v1);
  const after = await inspect(name);
  assert.notEqual(after.Id, before.Id);
  assert.equal(after.Image, v2);
  assert.equal(after.State.Running, true);
  assert.equal(after.Config.Image, ref, "created from the same reference the user wrote");
  assert.ok(after.Config.Env.includes("APP_KEY=k1"));
  assert.ok(after.Config.Env.includes("GREETING=v2"), `the new image's default applies: ${after.Config.Env.join(" ")}`);
  assert.equal(after.Config.Labels["org.example.version"], "v2", "the new image's label applies");
  assert.equal(after.Config.Labels.team, "data");
  assert.equal(after.Config.Labels[AUTO_UPDATE_LABEL], "true");
  assert.deepEqual(after.Config.Healthcheck, before.Config.Healthcheck);
  assert.deepEqual(after.HostConfig.RestartPolicy, before.HostConfig.RestartPolicy);
  assert.equal(after.HostConfig.Memory, 64 * 1024 * 1024);
  assert.deepEqual(after.HostConfig.Binds, before.HostConfig.Binds);
  assert.equal(after.HostConfig.NetworkMode, netA);
  const networks = after.NetworkSettings.Networks;
  assert.deepEqual(Object.keys(networks).sort(), [netA, netB].sort());
  assert.equal(networks[netA]?.IPAddress, address);
  assert.equal(networks[netA]?.IPAMConfig?.IPv4Address, address);
  assert.ok(networks[netA]?.Aliases?.includes("web"));
  assert.ok(networks[netB]?.Aliases?.includes("web2"));
  const mounts = (view: typeof before) => view.Mounts.map((m) => [m.Destination, m.Type, m.Name ?? m.Source, m.RW]).sort();
  assert.deepEqual(mounts(after), mounts(before), "the same volumes (the anonymous one too) and bind mount");
  assert.equal(await docker("exec", name, "cat", "/data/note", "/anon/note", "/host/config.txt"), "kept\nkept\nfrom the host");
  assert.equal(await docker("exec", name, "ls", "/data"), "note\nseen-v1\nseen-v2", "both versions ran on the same volume");
  assert.equal((await engine.listContainers({ all: true })).filter((c) => c.name.startsWith(name)).length, 1, "no container left behind");

  const again = await checkWatchedContainer(ports, await watched(name));
  assert.equal(again.status, "current");
});

test("a container without fixed ports, addresses or volumes is started before the old one stops", async () => {
  const { ref, pushV2 } = await followedTag("start-first");
  const name = testName("start-first");
  await docker("run", "-d", "--name", name, ...labelFlags(), ...watchFlags("true"), "-p", "127.0.0.1::8080", "--", ref);
  const v2 = await pushV2();

  const report = await checkWatchedContainer(ports, await watched(name), { ready: { settleMs: 500 } });

  assert.ok(report.status === "updated" && report.order === "start-first", JSON.stringify(report));
  assert.equal((await inspect(name)).Image, v2);
});

test("a shape that cannot be reproduced (--volumes-from) is refused and the old container keeps running untouched", async () => {
  const { ref, v1, pushV2 } = await followedTag("refused");
  const source = testName("volume-source");
  const name = testName("refused");
  await docker("run", "-d", "--name", source, ...labelFlags(), "-v", "/shared", "--", ref);
  anonymous.push(...(await inspect(source)).Mounts.map((m) => m.Name ?? ""));
  await docker("run", "-d", "--name", name, ...labelFlags(), ...watchFlags("true"), "--volumes-from", source, "--", ref);
  const before = await inspect(name);
  await pushV2();

  const report = await checkWatchedContainer(ports, await watched(name));

  assert.equal(report.status, "refused");
  assert.ok(report.status === "refused" && /HostConfig\.VolumesFrom \(--volumes-from\)/.test(report.reason), JSON.stringify(report));
  const after = await inspect(name);
  assert.equal(after.Id, before.Id);
  assert.equal(after.Image, v1);
  assert.equal(after.State.Running, true);
  assert.equal((await engine.listContainers({ all: true })).filter((c) => c.name.startsWith(name)).length, 1, "no new container was created");
  assert.equal((await engine.inspectImage(ref))?.id, v1, "nothing was pulled: the local tag still names the old image");
});

test("monitor mode reports the update and changes nothing; cleanup never removes an image in use or kept", async () => {
  const { ref, v1, pushV2 } = await followedTag("monitor");
  const name = testName("monitor");
  await docker("run", "-d", "--name", name, ...labelFlags(), ...watchFlags("monitor"), "--", ref);
  const before = await inspect(name);
  const v2 = await pushV2();

  const report = await checkWatchedContainer(ports, await watched(name));

  assert.equal(report.status, "available", JSON.stringify(report));
  assert.ok(report.status === "available" && report.imageId === v2 && report.plan?.order === "start-first");
  const after = await inspect(name);
  assert.equal(after.Id, before.Id);
  assert.equal(after.Image, v1);

  await docker("image", "tag", v2, `${ref}-unused`);
  const cleanup = await cleanupImages(engine, { candidates: [v1, v2], keep: new Set() });
  assert.deepEqual(cleanup.inUse, [v1], "the monitored container still runs v1");
  assert.deepEqual(cleanup.removed, [v2]);
  assert.equal(await engine.inspectImage(v2), undefined);
  assert.ok(await engine.inspectImage(v1));
  const kept = await cleanupImages(engine, { candidates: [v1], keep: new Set([v1]) });
  assert.deepEqual(kept.kept, [v1]);
});

test("monitor mode pulls nothing: the local tag and images stay as they were", async () => {
  const { ref, v1, pushV2 } = await followedTag("monitor-no-pull");
  const name = testName("monitor-no-pull");
  await docker("run", "-d", "--name", name, ...labelFlags(), ...watchFlags("monitor"), "--", ref);
  const v2 = await pushV2();
  await docker("image", "rm", "--", v2); // the registry has v2; this engine does not
  const digest = await registryDigest(ref);

  const report = await checkWatchedContainer(ports, await watched(name));

  assert.equal(report.status, "available", JSON.stringify(report));
  assert.equal(report.digest, digest);
  assert.ok(report.status === "available" && report.imageId === undefined && report.plan !== undefined, JSON.stringify(report));
  assert.equal(await engine.inspectImage(`${ref}@${digest}`), undefined, "the new digest was not pulled");
  assert.equal((await engine.inspectImage(ref))?.id, v1, "the local tag still names the image the container runs");
  assert.equal((await inspect(name)).Image, v1);
});

test("once the local tag has moved (by Slipway's own pull, then by `docker pull`), every container on it is still checked against its tag", async () => {
  const { ref, v1, pushV2 } = await followedTag("moved");
  const [first, second, refused, monitored] = ["moved-first", "moved-second", "moved-refused", "moved-monitor"].map(testName) as [
    string,
    string,
    string,
    string,
  ];
  const source = testName("moved-volumes");
  await docker("run", "-d", "--name", source, ...labelFlags(), "-v", "/shared", "--", ref);
  anonymous.push(...(await inspect(source)).Mounts.map((m) => m.Name ?? ""));
  for (const name of [first, second]) await docker("run", "-d", "--name", name, ...labelFlags(), ...watchFlags("true"), "--", ref);
  await docker("run", "-d", "--name", refused, ...labelFlags(), ...watchFlags("true"), "--volumes-from", source, "--", ref);
  await docker("run", "-d", "--name", monitored, ...labelFlags(), ...watchFlags("monitor"), "--", ref);

  /** One pass as the controller runs it: list once, then check each container in turn. */
  const pass = async (): Promise<Record<string, string>> => {
    const listed = (await listWatchedContainers(engine, { scope: SCOPE })).filter((c) => [first, second, refused, monitored].includes(c.name));
    assert.deepEqual(
      listed.map((c) => [c.name, c.image]).sort(),
      [first, second, refused, monitored].map((name) => [name, ref]).sort(),
      "each container follows the reference it was created from",
    );
    const statuses: Record<string, string> = {};
    for (const container of listed) {
      const report = await checkWatchedContainer(ports, container, { ready: { settleMs: 300 } });
      statuses[container.name] = `${report.status} ${report.digest ?? "?"}`;
    }
    return statuses;
  };

  // 1: v2 is pushed; updating `first` pulls it, which moves this engine's tag under the others.
  const v2 = await pushV2();
  const d2 = await registryDigest(ref);
  assert.deepEqual(await pass(), { [first]: `updated ${d2}`, [second]: `updated ${d2}`, [refused]: `refused ${d2}`, [monitored]: `available ${d2}` });
  assert.equal((await engine.inspectImage(ref))?.id, v2, "the update pointed the local tag at v2");
  assert.deepEqual(await pass(), { [first]: `current ${d2}`, [second]: `current ${d2}`, [refused]: `refused ${d2}`, [monitored]: `available ${d2}` });

  // 2: v3 is pushed elsewhere and someone runs `docker pull` of the tag here.
  const v3 = await buildVersion(engine, ref, "v3");
  await engine.push(ref);
  await engine.tagImage(v2, ref);
  await docker("pull", "--quiet", "--", ref);
  assert.equal((await engine.inspectImage(ref))?.id, v3);
  const d3 = await registryDigest(ref);
  assert.deepEqual(await pass(), { [first]: `updated ${d3}`, [second]: `updated ${d3}`, [refused]: `refused ${d3}`, [monitored]: `available ${d3}` });

  assert.equal((await inspect(first)).Image, v3);
  assert.equal((await inspect(second)).Image, v3);
  assert.equal((await inspect(refused)).Image, v1, "the refused container runs as before");
  assert.equal((await inspect(monitored)).Image, v1, "the monitored container runs as before");
  assert.equal((await inspect(first)).Config.Image, ref, "recreated from the reference the user wrote");
});

/** The digest the test registry serves for a tag now. */
async function registryDigest(ref: string): Promise<string> {
  const slash = ref.indexOf("/");
  const colon = ref.lastIndexOf(":");
  const response = await fetch(`http://${ref.slice(0, slash)}/v2/${ref.slice(slash + 1, colon)}/manifests/${ref.slice(colon + 1)}`, {
    method: "HEAD",
    headers: {
      accept: [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
      ].join(", "),
    },
  });
  const digest = response.headers.get("docker-content-digest");
  assert.ok(response.ok && digest !== null, `the registry has no ${ref}: ${response.status}`);
  return digest;
}
