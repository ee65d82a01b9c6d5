import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { connectEngine, publishedPort, type Engine } from "../../../src/engine/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { connectHostProxy, ensureHostProxy, findProxyImageInputs, HOST_PROXY_ADMIN, PROXY_CONTAINER, PROXY_IMAGE } from "../../../src/host-proxy/index.js";
import { ensureBaseImage, httpdCommand } from "../../harness/base-image.js";
import { netnsUnavailable, startTestHosts, type TestHost, type TestHosts } from "../../harness/netns-engine.js";
import { freePort, waitForBody } from "../proxy/helpers.js";

/**
 * The proxy Slipway runs on a host, for real: a dockerd in its own network namespace gets the
 * proxy image (built there from this machine's Caddy), its container on the host's network, and
 * routes set through the engine; requests come from this machine to the host's own address.
 */
const unavailable = netnsUnavailable();

/** Whether anything accepts a TCP connection at host:port (within 2 s). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

describe("the proxy on a host", { skip: unavailable ?? false }, () => {
  let testHosts: TestHosts | undefined;
  let host: TestHost;
  let local: Engine;
  let remote: Engine;

  before(async () => {
    testHosts = await startTestHosts([{}]);
    const [first] = testHosts.hosts;
    assert.ok(first !== undefined);
    host = first;
    local = await connectEngine();
    remote = await connectEngine({ host: host.dockerHost });
  });

  after(async () => {
    await testHosts?.stop();
  });

  test("a host of another CPU architecture than this machine's Caddy: refused before anything is built or started there", async () => {
    const inputs = { ...(await findProxyImageInputs()), arch: "riscv64" };
    await assert.rejects(
      ensureHostProxy(remote, { inputs }),
      (error) =>
        isSlipwayError(error, "PROXY_FAILED") &&
        error.message === `cannot build the proxy for ${host.dockerHost}: that host runs amd64, and this machine's Caddy is riscv64`,
    );
    assert.equal((await host.docker(["ps", "-aq"])).trim(), "");
    assert.equal((await host.docker(["images", "-q", PROXY_IMAGE])).trim(), "");
  });

  test("is built and started on the host, takes routes through the engine, and answers on the host's address; its admin API is not reachable from here", async () => {
    const lines: string[] = [];
    const first = await ensureHostProxy(remote, { onStep: (line) => lines.push(line) });
    assert.deepEqual(
      first.steps.map((s) => s.kind),
      ["build", "create", "start"],
    );
    assert.match(lines.join("\n"), new RegExp(`building the proxy image slipway-proxy:v?2\\.6\\.2-[0-9a-f]{12} on ${host.dockerHost}`));

    // a web container on the host, published on its loopback only
    const image = await ensureBaseImage(local);
    await local.copyImageTo(remote, image);
    const web = await remote.createContainer({
      name: "web-on-host",
      image,
      command: httpdCommand(8080),
      env: { HTTP_BODY: "hello from the host" },
      ports: [{ containerPort: 8080, hostIp: "127.0.0.1", hostPort: 0 }],
    });
    await remote.startContainer(web);
    const details = await remote.inspectContainer(web);
    const published = details === undefined ? undefined : publishedPort(details, 8080);
    assert.ok(published !== undefined);

    const port = await freePort();
    await first.proxy.setRoute({ id: "web", listen: { port }, upstreams: [`127.0.0.1:${published}`] });
    await waitForBody(`http://${host.address}:${port}/`, "hello from the host");
    assert.equal(await accepts(host.address, published), false, "the replica's port is on the host's loopback only");
    assert.equal(await accepts(host.address, Number(HOST_PROXY_ADMIN.split(":")[1])), false, "the admin API is on the host's loopback only");
    assert.equal((await host.docker(["ps", "--filter", `name=${PROXY_CONTAINER}`, "--format", "{{.Names}} {{.Status}}"])).split(" ")[0], PROXY_CONTAINER);

    // ensuring it again changes nothing; the routes stay
    const again = await ensureHostProxy(remote);
    assert.deepEqual(again.steps, []);
    assert.deepEqual(
      (await again.proxy.listRoutes()).map((r) => r.id),
      ["web"],
    );

    // a restarted proxy comes back with its routes (Caddy's autosave in its data volume)
    await host.docker(["restart", "-t", "1", PROXY_CONTAINER]);
    await waitForBody(`http://${host.address}:${port}/`, "hello from the host");
    assert.deepEqual(
      (await (await connectHostProxy(remote)).listRoutes()).map((r) => r.upstreams),
      [[`127.0.0.1:${published}`]],
    );

    // stopped: ensuring starts that same container again
    await host.docker(["stop", "-t", "1", PROXY_CONTAINER]);
    await assert.rejects(connectHostProxy(remote), (error) => isSlipwayError(error, "PROXY_UNREACHABLE") && /is not running \(exited\)/.test(error.message));
    const restarted = await ensureHostProxy(remote);
    assert.deepEqual(
      restarted.steps.map((s) => s.kind),
      ["start"],
    );
    await waitForBody(`http://${host.address}:${port}/`, "hello from the host");
  });

  test("admin requests share one exec in the proxy container, one at a time; a restarted proxy gets a new one; an idle one does not keep a process running", async () => {
    const execs = async (): Promise<number> => (((await remote.inspectContainer(PROXY_CONTAINER))?.raw as { ExecIDs?: string[] | null }).ExecIDs ?? []).length;
    const { proxy } = await ensureHostProxy(remote);
    const before = await execs();
    const port = await freePort();
    for (const n of [1, 2, 3]) await proxy.setRoute({ id: "session", listen: { port }, upstreams: [`127.0.0.1:${9000 + n}`] });
    const answers = await Promise.all(Array.from({ length: 10 }, () => proxy.routeOf("session")));
    assert.deepEqual(new Set(answers.map((route) => route?.upstreams.join())), new Set(["127.0.0.1:9003"]));
    assert.equal(await execs(), before, "a request opened an exec of its own");

    await host.docker(["restart", "-t", "1", PROXY_CONTAINER]);
    const deadline = Date.now() + 10_000;
    let upstreams: readonly string[] | undefined;
    while (Date.now() < deadline && upstreams === undefined)
      upstreams = await proxy.routeOf("session").then(
        (route) => route?.upstreams,
        () => undefined,
      );
    assert.deepEqual(upstreams, ["127.0.0.1:9003"]);
    assert.equal(await proxy.removeRoute("session"), true);

    // A process that used the proxy ends when its work is done, not when the session would close (30 s).
    const started = Date.now();
    const child = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { connectEngine } = await import(${JSON.stringify(new URL("../../../src/engine/index.js", import.meta.url).href)});
         const { connectHostProxy } = await import(${JSON.stringify(new URL("../../../src/host-proxy/index.js", import.meta.url).href)});
         const proxy = await connectHostProxy(await connectEngine({ host: ${JSON.stringify(host.dockerHost)} }));
         console.log(JSON.stringify(await proxy.listRoutes()));`,
      ],
      { encoding: "utf8", timeout: 20_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.ok(Date.now() - started < 15_000, `the process took ${Date.now() - started} ms to end`);
  });

  test("an engine without the proxy: PROXY_UNREACHABLE naming it", async () => {
    const bare = await connectEngine({ host: `unix://${host.socket}` });
    await host.docker(["rm", "-f", PROXY_CONTAINER]);
    await assert.rejects(
      connectHostProxy(bare),
      (error) => isSlipwayError(error, "PROXY_UNREACHABLE") && error.message.includes(`the proxy on unix://${host.socket} is not running (no container)`),
    );
  });
});
