import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connectEngine } from "../../../src/engine/index.js";
import { ensureHostProxy, PROXY_CONTAINER } from "../../../src/host-proxy/index.js";
import { runSlipway } from "../../harness/cli.js";
import { webServiceYaml } from "../../harness/deploy.js";
import { testName } from "../../harness/labels.js";
import { netnsUnavailable, startTestHosts, type TestHost, type TestHosts } from "../../harness/netns-engine.js";
import { useDeployFixture } from "../deploy/fixture.js";
import { freePort, waitForBody } from "../proxy/helpers.js";

/**
 * hosts.<name>.proxy, for real: a Caddy the user runs on a host (a container on the host's
 * network, its admin API on its own loopback) takes the routes of the services placed there,
 * through the engine; Slipway starts no proxy of its own on that host.
 */
const unavailable = netnsUnavailable();
const USER_PROXY = "users-own-caddy";

describe("a proxy the user runs on a host", { skip: unavailable ?? false }, () => {
  const fixture = useDeployFixture();
  let testHosts: TestHosts | undefined;
  let host: TestHost;
  let dir = "";

  before(async () => {
    testHosts = await startTestHosts([{}]);
    host = testHosts.hosts[0] ?? assert.fail("no test host");
    dir = mkdtempSync(join(tmpdir(), "slipway-named-proxy-"));
    // The user's Caddy: this machine's, as Slipway's proxy image carries it, with busybox's nc on
    // the PATH (as the official caddy image has), run with Caddy's own defaults.
    const remote = await connectEngine({ host: host.dockerHost });
    const { steps } = await ensureHostProxy(remote);
    const built = steps.find((s) => s.kind === "build");
    assert.ok(built !== undefined && "tag" in built);
    await host.docker(["rm", "-f", PROXY_CONTAINER]);
    writeFileSync(join(dir, "Dockerfile"), `FROM ${built.tag}\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n`);
    await host.docker(["build", "-q", "-t", "users-caddy:1", dir]);
    await host.docker(["run", "-d", "--name", USER_PROXY, "--network", "host", "users-caddy:1", "run"]);
  });

  after(async () => {
    await testHosts?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  test("the service's route goes into the user's Caddy, which serves it on the host's address; doctor checks it; no slipway-proxy is started", async () => {
    const name = testName("named-proxy");
    const port = await freePort();
    writeFileSync(
      join(dir, "slipway.yml"),
      [
        "hosts:",
        `  edge: { docker_host: "${host.dockerHost}", proxy: { container: ${USER_PROXY} } }`,
        "environments:",
        "  prod: { hosts: [edge] }",
        "services:",
        ...webServiceYaml({ name, image: fixture().images.v1 ?? "", port, everyAddress: true }),
        "",
      ].join("\n"),
    );
    const env = { SLIPWAY_STATE_DIR: fixture().world.stateDir, SLIPWAY_PROXY_ADMIN: fixture().world.handle.adminUrl };
    const deploy = await runSlipway(["deploy", name], { cwd: dir, env });
    assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);
    await waitForBody(`http://${host.address}:${port}/`, "v1", 10_000);
    const config = await host.docker(["exec", USER_PROXY, "wget", "-qO-", "http://127.0.0.1:2019/config/"]);
    assert.match(config, new RegExp(`127\\.0\\.0\\.1:\\d+|${host.address.replaceAll(".", "\\.")}:\\d+`), "the route is in the user's Caddy");
    assert.equal((await host.docker(["ps", "-aq", "--filter", `name=^${PROXY_CONTAINER}$`])).trim(), "", "Slipway started its own proxy there");
    const doctor = await runSlipway(["doctor"], { cwd: dir, env });
    assert.match(doctor.stdout, new RegExp(`ok +proxy host edge: ${USER_PROXY} on tcp://[0-9.:]+ answers, 1 route`), doctor.stdout);

    // Stopped: a deploy says so, names it, and changes nothing.
    await host.docker(["stop", "-t", "1", USER_PROXY]);
    const refused = await runSlipway(["deploy", name, "--image", fixture().images.v2 ?? ""], { cwd: dir, env });
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`edge: skipped \\(the proxy ${USER_PROXY} on tcp://[0-9.:]+ is not running \\(exited\\)\\)`));
  });
});
