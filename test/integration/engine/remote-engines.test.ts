import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import { LABEL } from "../../../src/deploy/index.js";
import { runSlipway } from "../../harness/cli.js";
import { webServiceYaml } from "../../harness/deploy.js";
import { testName } from "../../harness/labels.js";
import { netnsUnavailable, startTestHosts, type TestHost, type TestHosts } from "../../harness/netns-engine.js";
import { useDeployFixture } from "../deploy/fixture.js";
import { freePort, get, waitForBody } from "../proxy/helpers.js";

/**
 * environments.<env>.docker_host, for real: a second and a third Docker engine, each a dockerd in
 * its own network namespace (one reached over plain tcp and over ssh, one over TLS with
 * certificates as the docker CLI keeps them), and one address where nothing listens. Deploys run
 * as users run them (`slipway deploy --env`), the images reach the hosts by Slipway's own copy
 * (they are named after a registry nobody serves), and each host's own proxy (Slipway's, in a
 * container there) routes to its replicas: requests go to the host's address.
 */
const unavailable = netnsUnavailable();

describe("services on other Docker engines", { skip: unavailable ?? false }, () => {
  const fixture = useDeployFixture();
  let testHosts: TestHosts | undefined;
  let dir = "";
  let env: Record<string, string> = {};
  const services: Record<string, { name: string; port: number }> = {};
  let controller: Controller | undefined;

  const host = (index: number): TestHost => {
    const found = testHosts?.hosts[index];
    assert.ok(found, "the test hosts did not start");
    return found;
  };

  /** The containers of `service` on the engine `docker` talks to. */
  const containersOn = async (on: TestHost | "local", service: string): Promise<string[]> => {
    if (on === "local") return (await fixture().engine.listContainers({ labels: { [LABEL.service]: service }, all: true })).map((c) => c.name);
    const out = await on.docker(["ps", "-a", "--filter", `label=${LABEL.service}=${service}`, "--format", "{{.Names}} {{.Status}}"]);
    return out.split("\n").filter((line) => line !== "");
  };

  before(async () => {
    testHosts = await startTestHosts([{ ssh: true }, { tls: true }]);
    const f = fixture();
    dir = mkdtempSync(join(tmpdir(), "slipway-remote-"));
    for (const key of ["tcp", "ssh", "tls", "gone", "restart"]) services[key] = { name: testName(`far-${key}`), port: await freePort() };
    const service = (key: string, environment: string): string[] =>
      webServiceYaml({
        name: services[key]?.name ?? "",
        image: f.images.v1 ?? "",
        port: services[key]?.port ?? 0,
        drain: "200ms",
        // the host's proxy listens on the host's own addresses: the test reaches it there
        everyAddress: true,
        extra: [`    environments: [${environment}]`, "    restart: always"],
      });
    writeFileSync(
      join(dir, "slipway.yml"),
      [
        // The reconcile timer is an hour: only the engines' event streams can repair anything in time.
        "controller:",
        "  reconcile: 1h",
        "environments:",
        `  far: { docker_host: "${host(0).dockerHost}" }`,
        `  viassh: { docker_host: "ssh://root@${host(0).address}" }`,
        `  secure: { docker_host: "${host(1).dockerHost}", docker_cert_path: "${host(1).clientCerts ?? ""}" }`,
        `  nocerts: { docker_host: "${host(1).dockerHost}", docker_cert_path: missing-certs }`,
        '  gone: { docker_host: "tcp://127.0.0.1:19499" }',
        "services:",
        ...service("tcp", "far"),
        ...service("ssh", "viassh"),
        ...service("tls", "secure, nocerts"),
        ...service("gone", "gone"),
        ...service("restart", "far"),
        "",
      ].join("\n"),
    );
    env = { SLIPWAY_STATE_DIR: f.world.stateDir, SLIPWAY_PROXY_ADMIN: f.world.handle.adminUrl, SLIPWAY_SSH_CONFIG: host(0).sshConfig ?? "" };
  });

  after(async () => {
    await controller?.stop();
    await testHosts?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  test("tcp://: the deploy runs on that engine, the image is copied there, the proxy on that host serves it; status, doctor, reconcile and down act there too", async () => {
    const { name, port } = services.tcp ?? assert.fail();
    const deploy = await runSlipway(["deploy", name, "--env", "far"], { cwd: dir, env });
    assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);
    assert.match(deploy.stdout + deploy.stderr, new RegExp(`copying .* from unix:///var/run/docker.sock`));
    assert.deepEqual(await containersOn("local", name), [], "the service ran on the local engine");
    const remote = await containersOn(host(0), name);
    assert.equal(remote.length, 1, remote.join("\n"));
    assert.match(remote[0] ?? "", / Up /);
    assert.match(deploy.stdout + deploy.stderr, new RegExp(`starting the proxy on ${host(0).dockerHost}`));
    await waitForBody(`http://${host(0).address}:${port}/`, "v1", 5_000);
    assert.equal(
      await get(`http://127.0.0.1:${port}/`).then(
        () => "answered",
        () => "nothing",
      ),
      "nothing",
      "this machine's proxy has no route of it",
    );

    const status = await runSlipway(["status", "--json"], { cwd: dir, env });
    assert.equal(status.code, 0, status.stderr);
    const rows = JSON.parse(status.stdout) as { service: string; environment: string; containers: { state: string }[]; drift?: string[] }[];
    const row = rows.find((r) => r.service === name && r.environment === "far");
    assert.deepEqual(
      row?.containers.map((c) => c.state),
      ["running"],
    );
    assert.equal(row?.drift, undefined, JSON.stringify(row));
    const doctor = await runSlipway(["doctor"], { cwd: dir, env });
    assert.match(doctor.stdout, new RegExp(`ok +proxy far: the proxy on ${host(0).dockerHost.replaceAll(".", "\\.")} answers, 1 route`));
    assert.match(doctor.stdout, /FAIL proxy gone: .*does not answer/);
    const gone = rows.find((r) => r.environment === "gone");
    assert.equal(gone?.drift, undefined, "a never-deployed service shows no drift, even on an engine that is down");

    // Drift on the remote host: its replica restarted on a new port; reconcile repoints the proxy here.
    const [container] = (await host(0).docker(["ps", "-q", "--filter", `label=${LABEL.service}=${name}`])).split("\n");
    await host(0).docker(["restart", "-t", "1", container ?? ""]);
    const repair = await runSlipway(["reconcile"], { cwd: dir, env });
    assert.equal(repair.code, 0, repair.stderr + repair.stdout);
    await waitForBody(`http://${host(0).address}:${port}/`, "v1", 5_000);

    const down = await runSlipway(["down", name, "--env", "far"], { cwd: dir, env });
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await containersOn(host(0), name), []);
    assert.notEqual((await get(`http://${host(0).address}:${port}/`).catch(() => ({ status: 0 }))).status, 200);
  });

  test("ssh://: the engine behind the user's ssh (docker system dial-stdio), as the docker CLI reaches it", async () => {
    const { name, port } = services.ssh ?? assert.fail();
    const deploy = await runSlipway(["deploy", name, "--env", "viassh"], { cwd: dir, env });
    assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);
    assert.equal((await containersOn(host(0), name)).length, 1);
    assert.deepEqual(await containersOn("local", name), []);
    await waitForBody(`http://${host(0).address}:${port}/`, "v1", 5_000);
    const doctor = await runSlipway(["doctor"], { cwd: dir, env });
    assert.match(doctor.stdout, new RegExp(`ok +engine viassh: ssh://root@${host(0).address.replaceAll(".", "\\.")}: Docker 20\\.10`));
    assert.equal((await runSlipway(["down", name, "--env", "viassh"], { cwd: dir, env })).code, 0);
  });

  test("tcp:// with TLS: certificates from docker_cert_path (relative to slipway.yml); a cert path without them is refused, naming the file, and nothing is touched", async () => {
    const { name, port } = services.tls ?? assert.fail();
    const deploy = await runSlipway(["deploy", name, "--env", "secure"], { cwd: dir, env });
    assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);
    assert.equal((await containersOn(host(1), name)).length, 1);
    await waitForBody(`http://${host(1).address}:${port}/`, "v1", 5_000);
    assert.equal((await runSlipway(["down", name, "--env", "secure"], { cwd: dir, env })).code, 0);

    const refused = await runSlipway(["deploy", name, "--env", "nocerts"], { cwd: dir, env });
    assert.equal(refused.code, 2, refused.stdout);
    assert.match(
      refused.stderr,
      new RegExp(
        `cannot use TLS with the Docker engine at tcp://${host(1).address.replaceAll(".", "\\.")}:2376: .*missing-certs/ca\\.pem cannot be read \\(ENOENT\\)`,
      ),
    );
    assert.deepEqual(await containersOn(host(1), name), []);
    assert.deepEqual(await containersOn("local", name), []);
  });

  test("an engine that does not answer: ENGINE_UNREACHABLE naming it, exit 2 (a user error), and no container on any other engine", async () => {
    const { name } = services.gone ?? assert.fail();
    const deploy = await runSlipway(["deploy", name, "--env", "gone"], { cwd: dir, env });
    assert.equal(deploy.code, 2, deploy.stdout);
    assert.match(deploy.stderr, /ENGINE_UNREACHABLE/);
    assert.match(deploy.stderr, /the Docker engine at tcp:\/\/127\.0\.0\.1:19499 does not answer \(ECONNREFUSED/);
    assert.match(deploy.stderr, /dockerd on 127\.0\.0\.1 listens on port 19499/);
    assert.deepEqual(await containersOn("local", name), []);
    assert.deepEqual(await containersOn(host(0), name), []);
    assert.deepEqual(await containersOn(host(1), name), []);
  });

  test("the host's dockerd restarts with the service running: its replica comes back on a new port and answers within 5 s, no command run", async () => {
    const { name, port } = services.restart ?? assert.fail();
    const deploy = await runSlipway(["deploy", name, "--env", "far"], { cwd: dir, env });
    assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);
    const url = `http://${host(0).address}:${port}/`;
    await waitForBody(url, "v1", 5_000);
    const portOf = async (): Promise<string> => (await host(0).docker(["ps", "--filter", `label=${LABEL.service}=${name}`, "--format", "{{.Ports}}"])).trim();
    const before = await portOf();

    process.env.SLIPWAY_PROXY_ADMIN = fixture().world.handle.adminUrl;
    try {
      const loaded = await loadConfig({ cwd: dir, env: {} });
      controller = await startController({
        loaded,
        stateDir: fixture().world.stateDir,
        store: fixture().world.store,
        engine: fixture().engine,
        listen: { host: "127.0.0.1", port: await freePort() },
        logger: false,
      });
      await host(0).restartEngine();
      let upAt = 0;
      let after = "";
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        after = await portOf().catch(() => "");
        if (after !== "") {
          upAt = Date.now();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(upAt > 0, "the replica did not come back after the engine restarted (restart: always)");
      assert.notEqual(after, before, "the replica came back on the same port; the test proves nothing");
      await waitForBody(url, "v1", 5_000);
      assert.ok(Date.now() - upAt < 5_000, `answered ${Date.now() - upAt} ms after the replica was up`);
    } finally {
      await controller?.stop();
      controller = undefined;
      delete process.env.SLIPWAY_PROXY_ADMIN;
    }
    assert.equal((await runSlipway(["down", name, "--env", "far"], { cwd: dir, env })).code, 0);
  });
});
