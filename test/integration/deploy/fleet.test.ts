import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { LABEL } from "../../../src/deploy/index.js";
import type { DeployStep } from "../../../src/deploy/plan.js";
import { connectEngine, type Engine } from "../../../src/engine/index.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";
import { webCommand } from "../../harness/deploy.js";
import { testName } from "../../harness/labels.js";
import { netnsUnavailable, startTestHosts, type TestHost, type TestHosts } from "../../harness/netns-engine.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { useDeployFixture } from "./fixture.js";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import { startReceiver, type Receiver } from "../notify/receiver.js";
import { freePort, startLoad, waitForBody, type Sample } from "../proxy/helpers.js";

/**
 * One service on three hosts, for real: each host a dockerd in its own network namespace with
 * Slipway's proxy in a container there, reached over plain tcp, over ssh (sshd in the namespace)
 * and over TLS with client certificates; a registry they all pull from (the loopback one,
 * relayed on the bridge address); two replicas per host. Deploys run as users run them (`slipway deploy`),
 * requests go to each host's own address.
 */
const unavailable = netnsUnavailable();
const TOKEN = "fleet-registry-notification-token";

interface HostStatus {
  host: string;
  revision?: number;
  digest?: string;
  containers: { state: string; revision: number }[];
  drift?: string[];
}

describe("one service on several hosts", { skip: unavailable ?? false }, () => {
  const fixture = useDeployFixture();
  let registry: TestRegistry | undefined;
  let receiver: Receiver | undefined;
  let controllerPort = 0;
  let testHosts: TestHosts | undefined;
  let engines: Engine[] = [];
  let dir = "";
  let env: Record<string, string> = {};
  const images: { v1: string; v2: string } = { v1: "", v2: "" };
  const services: Record<string, { name: string; port: number; image?: string }> = {};

  const hosts = (): readonly TestHost[] => testHosts?.hosts ?? assert.fail("the test hosts did not start");
  const slipway = (args: readonly string[]): Promise<CliRun> => runSlipway(args, { cwd: dir, env, timeoutMs: 180_000 });
  const urls = (port: number): string[] => hosts().map((h) => `http://${h.address}:${port}/`);

  /** Each host's running replicas of `service`, by revision. */
  const revisionsOn = async (service: string): Promise<number[][]> =>
    Promise.all(
      engines.map(async (engine) => {
        const containers = await engine.listContainers({ labels: { [LABEL.service]: service } }).catch(() => []);
        return containers.map((c) => Number(c.labels[LABEL.revision])).sort();
      }),
    );

  before(async () => {
    controllerPort = await freePort();
    receiver = await startReceiver();
    // The registry tells `slipway serve` of every push, as seed 001's registry does.
    registry = await startRegistry({ notify: { url: `http://127.0.0.1:${controllerPort}/hooks/registry`, token: TOKEN } });
    // a over plain tcp, b over ssh (sshd from Debian in its namespace), c over TLS with client certificates.
    testHosts = await startTestHosts([{}, { ssh: true }, { tls: true }], { registry: registry.host });
    const f = fixture();
    engines = await Promise.all(hosts().map((h) => connectEngine({ host: `unix://${h.socket}` })));
    const repository = `fleet/${testName("web")}`;
    for (const version of ["v1", "v2"] as const) {
      const local = `${registry.host}/${repository}:${version}`;
      await f.engine.tagImage(f.images[version] ?? "", local);
      await f.engine.push(local);
      images[version] = `${testHosts.registryHost ?? ""}/${repository}:${version}`;
    }
    dir = mkdtempSync(join(tmpdir(), "slipway-fleet-"));
    // The services listen only in the hosts' namespaces, where nothing else listens below the
    // ephemeral range; a port from this machine's ephemeral range could be one an engine there
    // gives a replica's published port.
    for (const [index, key] of ["rollout", "paired", "unhealthy", "settles", "killed", "skipped", "followed"].entries())
      services[key] = { name: testName(`fleet-${key}`), port: 18_081 + index };
    const second = hosts()[1]?.name ?? "";
    const followed = `${testHosts.registryHost ?? ""}/fleet/${testName("followed")}:prod`;
    services.followed = { ...(services.followed ?? assert.fail()), image: followed };
    const service = (key: string, command: readonly string[], update = ""): string[] => [
      `  ${services[key]?.name ?? ""}:`,
      `    image: ${services[key]?.image ?? images.v1}`,
      // $ doubled: slipway.yml interpolates ${...}; the command's own variables must reach the shell.
      `    command: ${JSON.stringify(command).replaceAll("$", "$$$$")}`,
      `    ports: ["${services[key]?.port ?? 0}:8080"]`,
      "    replicas: 2",
      "    stop_grace_period: 1s",
      "    health: { http: /, interval: 200ms, deadline: 8s }",
      `    update: { strategy: rolling, drain: 300ms${update} }`,
    ];
    const [shell, flag, script] = webCommand(8080);
    // v2 of this one never answers on the second host (its engine's data root shows in the container's mounts).
    const hangsOnSecond = [
      shell ?? "sh",
      flag ?? "-c",
      `if grep -q "/${second}/data/" /proc/self/mountinfo && [ "\${HTTP_BODY}" = v2 ]; then sleep 3600; fi; ${script ?? ""}`,
    ];
    // v2 of this one passes its check on the second host, then exits while it settles (serving, v1 its fallback),
    // once the test tells it to (a file in the container): after the third host began. Its server
    // stops listening first: a response cut off after its headers went out no proxy can send again.
    const exitsOnSecond = [
      "sh",
      "-c",
      [
        "mkdir -p /www",
        'printf %s "${HTTP_BODY}" > /www/index.html',
        `if grep -q "/${second}/data/" /proc/self/mountinfo && [ "\${HTTP_BODY}" = v2 ]; then httpd -f -p 8080 -h /www & server=$!; while [ ! -e /www/exit ]; do sleep 0.1; done; kill $server; sleep 0.5; exit 1; fi`,
        'trap "exit 0" TERM',
        "httpd -f -p 8080 -h /www & wait",
      ].join("; "),
    ];
    writeFileSync(
      join(dir, "slipway.yml"),
      [
        `registry: "http://${testHosts.registryHost ?? ""}/fleet"`,
        "controller:",
        `  listen: 127.0.0.1:${controllerPort}`,
        "  watch_interval: 1h",
        `  webhooks: { registry: { token: ${TOKEN} } }`,
        "notify:",
        `  - webhook: ${receiver.url}/hook`,
        "    events: [deploy]",
        "hosts:",
        `  a: { docker_host: "${hosts()[0]?.dockerHost ?? ""}", roles: [web] }`,
        `  b: { docker_host: "ssh://root@${hosts()[1]?.address ?? ""}", roles: [web] }`,
        `  c: { docker_host: "${hosts()[2]?.dockerHost ?? ""}", docker_cert_path: "${hosts()[2]?.clientCerts ?? ""}", roles: [web] }`,
        "environments:",
        "  prod: { hosts: [a, b, c] }",
        "services:",
        ...service("rollout", webCommand(8080)),
        ...service("paired", webCommand(8080), ", hosts_parallel: 2"),
        ...service("unhealthy", hangsOnSecond),
        `  ${services.settles?.name ?? ""}:`,
        `    image: ${images.v1}`,
        `    command: ${JSON.stringify(exitsOnSecond).replaceAll("$", "$$$$")}`,
        `    ports: ["${services.settles?.port ?? 0}:8080"]`,
        "    stop_grace_period: 1s",
        "    health: { http: /, interval: 200ms, deadline: 8s, settle: 8s }",
        "    update: { strategy: blue-green, drain: 300ms }",
        ...service("killed", webCommand(8080)),
        ...service("skipped", webCommand(8080)),
        ...service("followed", webCommand(8080), ", auto: true"),
        "",
      ].join("\n"),
    );
    env = { SLIPWAY_STATE_DIR: f.world.stateDir, SLIPWAY_PROXY_ADMIN: f.world.handle.adminUrl, SLIPWAY_SSH_CONFIG: hosts()[1]?.sshConfig ?? "" };
    process.env.SLIPWAY_SSH_CONFIG = env.SLIPWAY_SSH_CONFIG;
  });

  after(async () => {
    await testHosts?.stop();
    await registry?.stop();
    await receiver?.close();
    delete process.env.SLIPWAY_SSH_CONFIG;
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  /** `slipway serve` on this test's slipway.yml and store, on the port the registry notifies. */
  const serveFleet = async (): Promise<Controller> => {
    process.env.SLIPWAY_PROXY_ADMIN = fixture().world.handle.adminUrl;
    return startController({
      loaded: await loadConfig({ cwd: dir, env: {} }),
      stateDir: fixture().world.stateDir,
      store: fixture().world.store,
      engine: fixture().engine,
      listen: { host: "127.0.0.1", port: controllerPort },
      logger: false,
    });
  };

  const status = async (service: string): Promise<{ revision?: number; drift?: string[]; hosts: HostStatus[] }> => {
    const run = await slipway(["status", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const row = (JSON.parse(run.stdout) as { service: string; revision?: number; drift?: string[]; hosts?: HostStatus[] }[]).find((r) => r.service === service);
    assert.ok(row?.hosts !== undefined, run.stdout);
    return { ...row, hosts: row.hosts };
  };

  /** Deploys v1 of the service and waits until every host answers it. */
  const deployV1 = async (service: string, port: number): Promise<void> => {
    const run = await slipway(["deploy", service]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const url of urls(port)) await waitForBody(url, "v1", 10_000);
  };

  /** When each host of the service's last deployment began, first switched (start and end), and made its final switch. */
  const rolloutTimeline = async (service: string) => {
    const history = await slipway(["history", service, "--json"]);
    const steps =
      (JSON.parse(history.stdout) as { steps: { name: string; detail: { step?: DeployStep }; startedAt: string; finishedAt?: string }[] }[])[0]?.steps ?? [];
    const at = (time: string | undefined) => Date.parse(time ?? "");
    return (host: string) => {
      const own = steps.filter((step) => step.name.startsWith(`${host}:`) && step.detail.step !== undefined);
      const switches = own.filter((step) => step.detail.step?.kind === "switch");
      const final = switches.find((step) => step.detail.step?.kind === "switch" && step.detail.step.final);
      assert.ok(own[0] && switches[0] && final, `${host}: ${JSON.stringify(steps.map((step) => step.name))}`);
      return { began: at(own[0].startedAt), switched: at(switches[0].startedAt), firstSwitch: at(switches[0].finishedAt), finalSwitch: at(final.finishedAt) };
    };
  };

  test("v1 -> v2 under load on every host: host by host, 0 failed requests, never more than one replica short in the fleet", async () => {
    const { name, port } = services.rollout ?? assert.fail();
    const first = await slipway(["deploy", name]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /on a, b and c/);
    for (const url of urls(port)) await waitForBody(url, "v1", 10_000);
    assert.deepEqual(await revisionsOn(name), [
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    const doctor = await slipway(["doctor"]);
    for (const [host, address] of [
      ["a", "tcp://"],
      ["b", "ssh://root@"],
      ["c", "tcp://"],
    ] as const) {
      assert.match(doctor.stdout, new RegExp(`ok +engine host ${host}: ${address}[0-9.:]+: Docker `), doctor.stdout);
      assert.match(doctor.stdout, new RegExp(`ok +proxy host ${host}: the proxy on ${address}[0-9.:]+ answers, \\d+ routes?`), doctor.stdout);
    }

    // Three clients per host; a sampler watches every host's running replicas.
    const loads = urls(port).map((url) => startLoad(url, { clients: 3, timeoutMs: 2_000 }));
    const seen: number[][][] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.push(await revisionsOn(name));
        await sleep(25);
      }
    })();
    await sleep(300);
    const deploy = await slipway(["deploy", name, "--image", images.v2]);
    await sleep(500);
    sampling = false;
    await sampler;
    const samples: Sample[] = (await Promise.all(loads.map((l) => l.stop()))).flat();
    assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);

    const failed = samples.filter((s) => s.error !== undefined);
    assert.ok(samples.length > 100, `only ${samples.length} requests`);
    assert.deepEqual(failed.slice(0, 5), [], `${failed.length} of ${samples.length} requests failed`);
    for (const url of urls(port)) await waitForBody(url, "v2", 5_000);
    // Never fewer than two replicas running on a host (rolling starts the new one first).
    for (const sample of seen) {
      const short = sample.reduce((sum, host) => sum + Math.max(0, 2 - host.length), 0);
      assert.ok(short <= 1, `more than one replica offline: ${JSON.stringify(sample)}`);
    }
    // One host at a time: each host starts once the one before serves v2, and switches only after
    // the one before made its final switch.
    const timeline = await rolloutTimeline(name);
    for (const [before, after] of [
      ["a", "b"],
      ["b", "c"],
    ] as const) {
      assert.ok(timeline(after).began >= timeline(before).firstSwitch, `${after} began before ${before} served v2`);
      assert.ok(timeline(after).switched >= timeline(before).finalSwitch, `${after} switched before ${before}'s final switch`);
    }
    const order = hosts().map((_, index) => seen.findIndex((sample) => sample[index]?.includes(2) === true));
    assert.ok(
      order.every((at, index) => at >= 0 && (index === 0 || at > (order[index - 1] ?? 0))),
      `hosts not updated in order a, b, c: ${JSON.stringify(order)}`,
    );

    const after = await status(name);
    assert.equal(after.revision, 2);
    assert.equal(after.drift, undefined, JSON.stringify(after));
    assert.deepEqual(
      after.hosts.map((h) => [h.host, h.revision, h.containers.map((c) => c.state)]),
      [
        ["a", 2, ["running", "running"]],
        ["b", 2, ["running", "running"]],
        ["c", 2, ["running", "running"]],
      ],
    );
    assert.ok(
      after.hosts.every((h) => h.digest?.startsWith("sha256:") === true && h.digest === after.hosts[0]?.digest),
      JSON.stringify(after.hosts),
    );
    const listed = await slipway(["history", name]);
    assert.match(listed.stdout, /hosts: a updated, b updated, c updated/);
  });

  test("update.hosts_parallel 2: a and b roll out side by side, c begins once both serve v2 and switches after both final switches; no request fails", async () => {
    const { name, port } = services.paired ?? assert.fail();
    await deployV1(name, port);
    const loads = urls(port).map((url) => startLoad(url, { clients: 2, timeoutMs: 2_000 }));
    const deploy = await slipway(["deploy", name, "--image", images.v2]);
    const samples: Sample[] = (await Promise.all(loads.map((l) => l.stop()))).flat();
    assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);
    assert.match(deploy.stderr + deploy.stdout, /on a, b and c, 2 at a time/);
    assert.deepEqual(samples.filter((s) => s.error !== undefined).slice(0, 5), [], "a request failed");
    for (const url of urls(port)) await waitForBody(url, "v2", 5_000);

    const timeline = await rolloutTimeline(name);
    const [a, b, c] = [timeline("a"), timeline("b"), timeline("c")];
    assert.ok(b.began < a.firstSwitch && a.began < b.firstSwitch, `a and b one after the other: ${JSON.stringify({ a, b })}`);
    for (const [host, before] of [
      ["a", a],
      ["b", b],
    ] as const) {
      assert.ok(c.began >= before.firstSwitch, `c began before ${host} served v2`);
      assert.ok(c.switched >= before.finalSwitch, `c switched before ${host}'s final switch`);
    }
  });

  test("a v2 that never gets healthy on the second host: the first is moved back, the third never touched, every host serves v1, and the run says why", async () => {
    const { name, port } = services.unhealthy ?? assert.fail();
    await deployV1(name, port);
    const deploy = await slipway(["deploy", name, "--image", images.v2]);
    assert.equal(deploy.code, 2, deploy.stdout + deploy.stderr);
    assert.match(deploy.stderr, /revision 2 failed on b: /);
    assert.match(deploy.stderr, /a: moved-back \(to revision 1\)/);
    assert.match(deploy.stderr, /b: moved-back/);
    assert.match(deploy.stderr, /c: untouched \(the rollout stopped at b\)/);
    assert.deepEqual(await revisionsOn(name), [
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    for (const url of urls(port)) await waitForBody(url, "v1", 5_000);
    const row = await status(name);
    assert.equal(row.revision, 1);
    assert.equal(row.drift, undefined, JSON.stringify(row));
    const history = await slipway(["history", name]);
    assert.match(history.stdout, /rolled-back/);
    assert.match(history.stdout, /c:|c untouched/);
    assert.doesNotMatch(history.stdout.split("\n#")[0] ?? "", /c:create/, "the third host was touched");
  });

  test("a v2 that exits on the second host while it settles, after the third began: the third's new container is removed before it serves, every host serves v1, no request fails", async () => {
    const { name, port } = services.settles ?? assert.fail();
    await deployV1(name, port);
    const loads = urls(port).map((url) => startLoad(url, { clients: 2, timeoutMs: 2_000 }));
    const deploying = slipway(["deploy", name, "--image", images.v2]);
    // c begins once b serves revision 2 (after a settled); b settles for 8 s, and its v2 is told to exit inside that.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !((await revisionsOn(name))[2]?.includes(2) ?? false)) await sleep(20);
    const second = engines[1] ?? assert.fail();
    const [settling] = await second.listContainers({ labels: { [LABEL.service]: name, [LABEL.revision]: "2" } });
    assert.ok(settling !== undefined, "b has no revision 2 container while c began");
    const told = await second.exec(settling.id, ["touch", "/www/exit"]);
    assert.equal(told.exitCode, 0, told.stderr);
    const deploy = await deploying;
    const samples: Sample[] = (await Promise.all(loads.map((l) => l.stop()))).flat();
    assert.equal(deploy.code, 2, deploy.stdout + deploy.stderr);
    assert.match(deploy.stderr, /revision 2 failed on b: .*-r2-1 /);
    assert.match(deploy.stderr, /a: moved-back \(to revision 1\)/);
    assert.match(deploy.stderr, /b: moved-back/);
    assert.match(deploy.stderr, /c: untouched \(the rollout stopped at b; its new containers were removed before they served\)/);
    assert.deepEqual(samples.filter((s) => s.error !== undefined).slice(0, 5), [], "a request failed");
    assert.deepEqual(await revisionsOn(name), [[1], [1], [1]]);
    for (const url of urls(port)) await waitForBody(url, "v1", 5_000);
    // c began (its new replica was created) but never switched.
    const history = await slipway(["history", name, "--json"]);
    const names = ((JSON.parse(history.stdout) as { steps: { name: string }[] }[])[0]?.steps ?? []).map((step) => step.name);
    assert.ok(names.includes("c:create"), JSON.stringify(names));
    assert.ok(!names.some((step) => step.startsWith("c:switch")), JSON.stringify(names));
    assert.equal((await status(name)).drift, undefined);
  });

  test("the second host's engine killed mid-rollout: the rollout fails cleanly, the others end on v1, and reconcile brings the host back to v1 once its engine is up", async () => {
    const { name, port } = services.killed ?? assert.fail();
    await deployV1(name, port);
    const second = hosts()[1] ?? assert.fail();
    const deploying = slipway(["deploy", name, "--image", images.v2]);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !((await revisionsOn(name))[1]?.includes(2) ?? false)) await sleep(20);
    await second.killEngine();
    const deploy = await deploying;
    assert.equal(deploy.code, 2, deploy.stdout + deploy.stderr);
    assert.match(deploy.stderr, /failed on b/);
    assert.match(deploy.stderr, /a: moved-back/);
    assert.match(deploy.stderr, /b: failed \(could not be moved back/);
    assert.match(deploy.stderr, /c: untouched/);
    for (const url of [urls(port)[0] ?? "", urls(port)[2] ?? ""]) await waitForBody(url, "v1", 5_000);
    const down = await status(name);
    assert.match(down.hosts[1]?.drift?.join(" ") ?? "", /not reachable/);

    await second.startEngine();
    const reconcile = await slipway(["reconcile"]);
    assert.equal(reconcile.code, 0, reconcile.stdout + reconcile.stderr);
    await waitForBody(urls(port)[1] ?? "", "v1", 10_000);
    assert.deepEqual((await revisionsOn(name))[1], [1, 1]);
    const healed = await status(name);
    assert.equal(healed.revision, 1);
    assert.equal(healed.drift, undefined, JSON.stringify(healed));
  });

  test("a host that is down is skipped and reported; the others are updated, and the reconcile loop brings it to the current revision when it is back", async () => {
    const { name, port } = services.skipped ?? assert.fail();
    await deployV1(name, port);
    const third = hosts()[2] ?? assert.fail();
    await third.killEngine();
    try {
      const deploy = await slipway(["deploy", name, "--image", images.v2]);
      assert.equal(deploy.code, 0, deploy.stdout + deploy.stderr);
      assert.match(deploy.stdout, /now runs revision 2 .*\n {2}on a and b\n {2}c: skipped \(the Docker engine at tcp:\/\/[0-9.]+:2376 does not answer/);
      for (const url of urls(port).slice(0, 2)) await waitForBody(url, "v2", 5_000);
      const history = await slipway(["history", name]);
      assert.match(history.stdout, /hosts: a updated, b updated, c skipped/);
    } finally {
      await third.startEngine();
    }
    // Back with what it ran before, or nothing running yet: either way not the current revision.
    const drifted = await status(name);
    assert.match(drifted.drift?.join("\n") ?? "", /^c: runs (revision 1, not the current 2|nothing of it \(revision 2 wanted\))$/, JSON.stringify(drifted));
    // The controller's reconcile loop (slipway serve) brings it along, no command run.
    const controller = await serveFleet();
    try {
      await waitForBody(urls(port)[2] ?? "", "v2", 30_000);
      await controller.queue.idle();
    } finally {
      await controller.stop();
      delete process.env.SLIPWAY_PROXY_ADMIN;
    }
    assert.deepEqual((await revisionsOn(name))[2], [2, 2]);
    assert.equal((await status(name)).drift, undefined);
  });

  test("a registry push of a followed tag updates every host by digest, and the notification names them", async () => {
    const { name, port, image } = services.followed ?? assert.fail();
    const pusher = hosts()[0] ?? assert.fail();
    // Pushed from a host (its engine reaches the registry over the bridge, as the others pull it).
    await pusher.docker(["tag", images.v1, image ?? ""]);
    await pusher.docker(["push", image ?? ""]);
    await deployV1(name, port);

    const controller = await serveFleet();
    try {
      const before = receiver?.received.length ?? 0;
      await pusher.docker(["tag", images.v2, image ?? ""]);
      const pushed = await pusher.docker(["push", image ?? ""]);
      const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1] ?? assert.fail(pushed);
      const deadline = Date.now() + 90_000;
      let updated: { title: string; detail?: { hosts?: string[] } } | undefined;
      while (Date.now() < deadline && updated === undefined) {
        updated = (receiver?.received.slice(before) ?? [])
          .map((r) => JSON.parse(r.body) as { title: string; subject?: string; detail?: { hosts?: string[] } })
          .find((n) => n.subject === name && n.title.startsWith("Updated"));
        await sleep(200);
      }
      assert.ok(updated !== undefined, "no update notification within 90 s of the push");
      assert.match(updated.title, new RegExp(`Updated ${name} in prod to prod, sha256:[0-9a-f]{12} on a, b and c$`));
      assert.deepEqual(updated.detail?.hosts, ["a: updated", "b: updated", "c: updated"]);
      for (const url of urls(port)) await waitForBody(url, "v2", 5_000);
      const [revision] = await fixture().world.store.listRevisions(name, "prod", { limit: 1 });
      assert.equal(revision?.image, `${image ?? ""}@${digest}`, "deployed by digest");
      const row = await status(name);
      assert.deepEqual(
        row.hosts.map((h) => [h.host, h.revision, h.digest]),
        [
          ["a", 2, digest],
          ["b", 2, digest],
          ["c", 2, digest],
        ],
      );
    } finally {
      await controller.stop();
      delete process.env.SLIPWAY_PROXY_ADMIN;
    }
  });
});
