import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import { deployService, serviceSelector, specFromConfig } from "../../../src/deploy/index.js";
import { createApiToken } from "../../../src/server/tokens.js";
import type { HeldDeployRecord } from "../../../src/store/index.js";
import { runSlipway } from "../../harness/cli.js";
import { webCommand } from "../../harness/deploy.js";
import { testName, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { useDeployFixture } from "../deploy/fixture.js";
import { startReceiver, type Receiver } from "../notify/receiver.js";
import { freePort, get, waitForBody } from "../proxy/helpers.js";

/**
 * Update policy end to end, as a production team uses it: an auto-update that waits for two
 * people's approval (and one that a rejection stops), a deploy requested inside a deny window
 * that runs when the window ends, an urgent override that is audited, and a freeze. The real
 * engine, registry, Caddy and SQLite store; `slipway serve` in-process; people at the CLI,
 * locally and through the API with their own tokens.
 */
describe("update policy: approvals, maintenance windows, freezes", () => {
  const fixture = useDeployFixture();
  let registry: TestRegistry;
  let receiver: Receiver;
  let dir = "";
  let controller: Controller | undefined;
  const services: { service: string; environment: string }[] = [];

  before(async () => {
    registry = await startRegistry();
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), "slipway-policy-"));
    process.env.SLIPWAY_PROXY_ADMIN = fixture().world.handle.adminUrl;
  });

  after(async () => {
    await controller?.stop();
    const engine = fixture().engine;
    for (const { service, environment } of services)
      for (const c of await engine.listContainers({ labels: serviceSelector(service, environment), all: true }))
        await engine.removeContainer(c.id, { force: true });
    await receiver?.close();
    await registry?.stop();
    delete process.env.SLIPWAY_PROXY_ADMIN;
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  async function serve(yaml: readonly string[]): Promise<{ controller: Controller; loaded: Awaited<ReturnType<typeof loadConfig>> }> {
    await controller?.stop();
    writeFileSync(join(dir, "slipway.yml"), [...yaml, ""].join("\n"));
    const loaded = await loadConfig({ cwd: dir, env: {} });
    const f = fixture();
    controller = await startController({
      loaded,
      stateDir: f.world.stateDir,
      store: f.world.store,
      engine: f.engine,
      listen: { host: "127.0.0.1", port: 0 },
      logger: false,
    });
    return { controller, loaded };
  }

  function serviceYaml(service: string, image: string, published: number, environment: string, update: string): string[] {
    services.push({ service, environment });
    return [
      `  ${service}:`,
      `    image: ${image}`,
      `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
      `    environments: [${environment}]`,
      `    ports: ["127.0.0.1:${published}:8080"]`,
      "    stop_grace_period: 1s",
      "    health: { http: /, interval: 200ms, deadline: 30s }",
      `    update: { strategy: blue-green, drain: 200ms${update} }`,
    ];
  }

  async function waitForHeld(service: string, predicate: (held: HeldDeployRecord) => boolean, timeoutMs = 20_000): Promise<HeldDeployRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [held] = (await fixture().world.store.listHeld({ service })).filter(predicate);
      if (held !== undefined) return held;
      assert.ok(
        Date.now() < deadline,
        `no held deploy of ${service} as expected within ${timeoutMs} ms: ${JSON.stringify(await fixture().world.store.listHeld({ service }))}`,
      );
      await sleep(200);
    }
  }

  const env = (): Record<string, string> => ({ SLIPWAY_STATE_DIR: fixture().world.stateDir });

  test("an update that needs two approvals runs once two people approved; a rejection stops the next, and it is not asked for again", async () => {
    const f = fixture();
    const service = testName("approved");
    const ref = `${registry.host}/policy${testRunId}/web:qa`;
    await f.engine.tagImage(f.images.v1 ?? "", ref);
    await f.engine.push(ref);
    const published = await freePort();
    const { controller: serving, loaded } = await serve([
      "controller: { watch_interval: 1h }",
      "environments:",
      "  prod: { approvals: { required: 2, deadline: 1h } }",
      "notify:",
      `  - webhook: ${receiver.url}/hook`,
      "    events: [held]",
      "services:",
      ...serviceYaml(service, ref, published, "prod", ", auto: approve"),
    ]);
    const spec = specFromConfig({ config: loaded.config, configDir: dir, service, environment: "prod", image: ref });
    assert.equal((await deployService(f.world.ports, { spec, trigger: "test" })).status, "succeeded");
    const url = `http://127.0.0.1:${published}/`;
    await waitForBody(url, "v1", 5_000);
    const alice = (await createApiToken(f.world.store, `alice-${testRunId}`)).token;
    const bob = (await createApiToken(f.world.store, `bob-${testRunId}`)).token;
    const as = (token: string) => ({ SLIPWAY_URL: serving.url, SLIPWAY_TOKEN: token });

    await f.engine.tagImage(f.images.v2 ?? "", ref);
    const v2 = await f.engine.push(ref);
    serving.recheck("test");
    const held = await waitForHeld(service, (h) => h.status === "waiting");
    assert.equal(held.image, `${ref}@${v2.digest}`, "held by digest");
    assert.deepEqual([held.trigger, held.requestedBy, held.environment], ["auto-update", "auto-update", "prod"]);
    const notice = receiver.received.map((r) => JSON.parse(r.body) as { event: string; title: string }).find((n) => n.event === "held");
    assert.ok(notice !== undefined, "the held update was announced");
    assert.match(notice.title, new RegExp(`is held \\(#${held.id}\\): approvals 0/2, 60 min left; approve with: slipway approve ${held.id}$`));

    const first = await runSlipway(["approve", String(held.id), "--reason", "release notes read"], { cwd: dir, env: as(alice) });
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      new RegExp(
        `^approved #${held.id}: #${held.id} ${service} -> prod \\S+, auto-update by auto-update at \\S+: waiting: approvals 1/2, 60 min left \\(approved by alice-${testRunId}\\)\n$`,
      ),
    );
    const twice = await runSlipway(["approve", String(held.id)], { cwd: dir, env: as(alice) });
    assert.match(twice.stdout, /waiting: approvals 1\/2/, "the same person approving again still counts once");
    assert.equal((await get(url)).body, "v1", "one approval of two deploys nothing");

    const second = await runSlipway(["approve", String(held.id)], { cwd: dir, env: as(bob) });
    assert.equal(second.code, 0, second.stderr);
    await waitForBody(url, "v2", 30_000);
    const ran = await waitForHeld(service, (h) => h.id === held.id && h.status === "succeeded");
    assert.ok(ran.deployment !== undefined, "the held deploy names the deployment it ran");
    const [deployment] = await f.world.store.listDeployments({ service, environment: "prod", limit: 1 });
    assert.deepEqual([deployment?.id, deployment?.status, deployment?.trigger], [ran.deployment, "succeeded", "auto-update"]);

    // the tag moves on; bob rejects that one
    await f.engine.tagImage(f.images.v1 ?? "", ref);
    const back = await f.engine.push(ref);
    serving.recheck("test");
    const next = await waitForHeld(service, (h) => h.status === "waiting" && h.image.endsWith(back.digest));
    const rejected = await runSlipway(["reject", String(next.id), "--reason", "not before the sale"], { cwd: dir, env: as(bob) });
    assert.equal(rejected.code, 0, rejected.stderr);
    assert.match(rejected.stdout, new RegExp(`: rejected: rejected by bob-${testRunId}: not before the sale\n$`));
    serving.recheck("test");
    await sleep(1_500);
    assert.deepEqual(
      (await f.world.store.listHeld({ service, status: "waiting" })).map((h) => h.id),
      [],
      "the rejected image is not asked for again",
    );
    assert.equal((await get(url)).body, "v2", "the running revision kept serving");
    const status = await runSlipway(["status", "--json"], { cwd: dir, env: as(alice) });
    const row = (JSON.parse(status.stdout) as { service: string; autoUpdate?: { status: string; error?: string } }[]).find((r) => r.service === service);
    assert.equal(row?.autoUpdate?.status, "stopped");
    assert.match(row?.autoUpdate?.error ?? "", new RegExp(`held deploy #${next.id} rejected by bob-${testRunId}: not before the sale`));

    const audit = (await f.world.store.listAudit({ subject: service })).map((entry) => `${entry.action} ${entry.actor}`).reverse();
    assert.deepEqual(
      audit.filter((line) => /^deploy\.(held|approve|reject)/.test(line)),
      [
        "deploy.held auto-update",
        `deploy.approve alice-${testRunId}`,
        `deploy.approve alice-${testRunId}`,
        `deploy.approve bob-${testRunId}`,
        "deploy.held auto-update",
        `deploy.reject bob-${testRunId}`,
      ],
    );
  });

  test("a deploy inside a deny window waits, queued, and runs when the window ends; an urgent one runs at once and is audited", async () => {
    const f = fixture();
    const service = testName("window");
    const published = await freePort();
    // a deny window that opened a second ago and lasts 25 s (6-field cron, seconds first, UTC)
    const opened = new Date(Math.floor(Date.now() / 1_000) * 1_000 - 1_000);
    const ends = opened.getTime() + 25_000;
    const cron = `${opened.getUTCSeconds()} ${opened.getUTCMinutes()} ${opened.getUTCHours()} ${opened.getUTCDate()} ${opened.getUTCMonth() + 1} *`;
    await serve([
      "environments:",
      `  maint: { windows: [{ deny: "${cron}", duration: 25s }] }`,
      "services:",
      ...serviceYaml(service, f.images.v1 ?? "", published, "maint", ""),
    ]);
    const url = `http://127.0.0.1:${published}/`;

    const urgent = await runSlipway(["deploy", service, "--env", "maint", "--urgent", "checkout is down"], { cwd: dir, env: env() });
    assert.equal(urgent.code, 0, urgent.stderr);
    assert.match(urgent.stdout, /now runs revision 1/);
    await waitForBody(url, "v1", 5_000);
    const [audit] = (await f.world.store.listAudit({ subject: service })).filter((entry) => entry.action === "deploy.urgent");
    assert.deepEqual(audit?.detail, { environment: "maint", reason: "checkout is down", overridden: ["window"], trigger: "cli" });

    const queued = await runSlipway(["deploy", service, "--env", "maint", "--image", f.images.v2 ?? ""], { cwd: dir, env: env() });
    assert.equal(queued.code, 0, queued.stderr);
    const id = /held as #(\d+)/.exec(queued.stdout)?.[1] ?? "";
    assert.match(
      queued.stdout,
      new RegExp(
        `^${service} \\(maint\\): held as #${id}, not deployed yet \\(revision 1 keeps running\\): inside the deny window "${cron.replaceAll("*", "\\*")}" \\(25 s\\); runs at ${new Date(ends).toISOString()}`,
      ),
    );
    const listed = await runSlipway(["queue", "--json"], { cwd: dir, env: env() });
    assert.deepEqual(
      (JSON.parse(listed.stdout) as { id: number; service: string; status: string }[]).filter((h) => h.service === service).map((h) => [h.id, h.status]),
      [[Number(id), "waiting"]],
    );
    assert.equal((await get(url)).body, "v1");

    await waitForBody(url, "v2", 40_000);
    const ran = await waitForHeld(service, (h) => h.id === Number(id) && h.status === "succeeded");
    const deployment = await f.world.store.getDeployment(ran.deployment ?? -1);
    assert.ok(
      deployment !== undefined && deployment.startedAt.getTime() >= ends,
      `deployed at ${deployment?.startedAt.toISOString()}, after the window ended at ${new Date(ends).toISOString()}`,
    );
  });

  test("a freeze holds a deploy until it is lifted; approving a deploy that needs no approval is refused", async () => {
    const f = fixture();
    const service = testName("frozen");
    const published = await freePort();
    await serve(["environments: { stage: {} }", "services:", ...serviceYaml(service, f.images.v1 ?? "", published, "stage", "")]);
    const url = `http://127.0.0.1:${published}/`;
    assert.equal((await runSlipway(["deploy", service, "--env", "stage"], { cwd: dir, env: env() })).code, 0);
    await waitForBody(url, "v1", 5_000);

    const past = await runSlipway(["freeze", "stage", "--until", "2020-01-01", "--reason", "x"], { cwd: dir, env: env() });
    assert.equal(past.code, 2);
    assert.match(past.stderr, /--until 2020-01-01T00:00:00.000Z is in the past/);
    const frozen = await runSlipway(["freeze", "stage", "--until", "1h", "--reason", "holiday sale"], { cwd: dir, env: env() });
    assert.equal(frozen.code, 0, frozen.stderr);
    assert.match(frozen.stdout, /^stage is frozen until \S+: holiday sale\n$/);

    const queued = await runSlipway(["deploy", service, "--env", "stage", "--image", f.images.v2 ?? ""], { cwd: dir, env: env() });
    assert.equal(queued.code, 0, queued.stderr);
    const id = /held as #(\d+)/.exec(queued.stdout)?.[1] ?? "";
    assert.match(queued.stdout, /: frozen until \S+ by \S+: holiday sale\n/);
    const status = await runSlipway(["status"], { cwd: dir, env: env() });
    assert.match(status.stdout, new RegExp(`frozen until \\S+ by \\S+: holiday sale\n    held #${id}: \\S+ \\(cli by \\S+\\) waits: frozen until`));

    const refused = await runSlipway(["approve", id], { cwd: dir, env: env() });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`held deploy #${id} \\(${service} to stage\\) needs no approval: frozen until`));
    const missing = await runSlipway(["approve", "999999"], { cwd: dir, env: env() });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /there is no held deploy #999999/);
    await sleep(1_000);
    assert.equal((await get(url)).body, "v1", "frozen: v1 keeps serving");

    const lifted = await runSlipway(["unfreeze", "stage"], { cwd: dir, env: env() });
    assert.equal(lifted.stdout, "stage is no longer frozen\n");
    await waitForBody(url, "v2", 30_000);
    await waitForHeld(service, (h) => h.id === Number(id) && h.status === "succeeded");
    const queue = await runSlipway(["queue", "--all"], { cwd: dir, env: env() });
    assert.match(queue.stdout, new RegExp(`#${id} ${service} -> stage \\S+, cli by \\S+ at \\S+: succeeded, deployment \\d+\n`));
  });
});
