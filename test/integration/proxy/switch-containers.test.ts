import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { publishedPort, type Engine } from "../../../src/engine/index.js";
import { waitDrained } from "../../../src/proxy/index.js";
import { ensureBaseImage, httpdCommand } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";
import { freePort, startLoad, startTestProxy, waitForBody, type TestContext } from "./helpers.js";

let engine: Engine;
let base: string;

before(async () => {
  engine = await ensureEngine();
  base = await ensureBaseImage(engine);
});
after(async () => {
  await cleanupTestRun(engine);
});

/** A busybox httpd container answering `body`, published on an ephemeral 127.0.0.1 port; returns its upstream address. */
async function startRevision(t: TestContext, body: string): Promise<string> {
  const id = await engine.createContainer({
    image: base,
    name: testName(`rev-${body}`),
    command: httpdCommand(8080),
    env: { HTTP_BODY: body },
    ports: [{ containerPort: 8080, hostPort: 0, hostIp: "127.0.0.1" }],
    labels: testLabels(),
  });
  t.after(() => engine.removeContainer(id, { force: true }));
  await engine.startContainer(id);
  const details = await engine.inspectContainer(id);
  assert.ok(details);
  const port = publishedPort(details, 8080);
  assert.ok(port !== undefined, "the container has no published port");
  const upstream = `127.0.0.1:${port}`;
  await waitForBody(`http://${upstream}/`, body);
  return upstream;
}

test("a service moves from the v1 container to the v2 container under load without a failed request", async (t) => {
  const { proxy } = await startTestProxy(t);
  const v1 = await startRevision(t, "v1");
  const v2 = await startRevision(t, "v2");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  await proxy.setRoute({ id: "web-prod", listen: { host: "127.0.0.1", port }, upstreams: [v1], healthPath: "/" });
  await waitForBody(url, "v1");

  const load = startLoad(url, { clients: 8, timeoutMs: 1_000 });
  await sleep(1_000);
  await proxy.setRoute({ id: "web-prod", listen: { host: "127.0.0.1", port }, upstreams: [v2], healthPath: "/" });
  const switchedAt = performance.now();
  await sleep(2_000);
  const samples = await load.stop();

  const failures = samples.filter((s) => s.error !== undefined);
  assert.deepEqual(
    failures.map((s) => s.error),
    [],
    `${failures.length} of ${samples.length} requests failed`,
  );
  assert.ok(
    samples.some((s) => s.body === "v1"),
    "v1 never answered before the switch",
  );
  const afterSwitch = samples.filter((s) => s.startedAt > switchedAt);
  assert.ok(afterSwitch.length > 25, `only ${afterSwitch.length} requests after the switch`);
  assert.deepEqual([...new Set(afterSwitch.map((s) => s.body))], ["v2"]);
  assert.equal((await waitDrained(proxy, [v1], { timeoutMs: 5_000 })).drained, true);
});
