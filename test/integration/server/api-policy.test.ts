import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { serviceSelector } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { createApiToken } from "../../../src/server/tokens.js";
import { buildWebImages, webCommand } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName } from "../../harness/labels.js";
import { freePort, waitForBody } from "../proxy/helpers.js";
import { api, errorOf, startApiWorld, type ApiWorld } from "./helpers.js";

// The policy API: a deploy to an environment that needs an approval answers 202 with the held
// deploy, which another token's approval lets through; freezes set and lifted over HTTP.
let engine: Engine | undefined;
let world: ApiWorld | undefined;
let service = "";
let url = "";

before(async () => {
  engine = await ensureEngine();
  const images = await buildWebImages(engine, ["v1"]);
  const published = await freePort();
  service = testName("api-held");
  url = `http://127.0.0.1:${published}/`;
  world = await startApiWorld(engine, {
    environments: { prod: { approvals: 1 } },
    services: {
      [service]: {
        image: images.v1,
        command: webCommand(8080).map((part) => part.replaceAll("${", () => "$${")),
        environments: ["prod"],
        ports: [`127.0.0.1:${published}:8080`],
        health: { http: "/", interval: "200ms", deadline: "20s" },
        update: { strategy: "blue-green", drain: "300ms" },
      },
    },
  });
});

after(async () => {
  await world?.stop();
  if (engine !== undefined) {
    for (const c of await engine.listContainers({ labels: serviceSelector(service, "prod"), all: true })) await engine.removeContainer(c.id, { force: true });
    await cleanupTestRun(engine);
  }
});

function w(): ApiWorld {
  assert.ok(world, "the controller did not start");
  return world;
}

test("a deploy that needs an approval answers 202 held; the requester's own approval is refused, another token's runs it", async () => {
  const asked = await api(w(), "POST", "/api/v1/deployments", { body: { service, environment: "prod" } });
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const body = asked.body as { status: string; revision: number; held: { id: number; waiting: string } };
  assert.deepEqual([body.status, body.revision, body.held.waiting], ["queued", 0, "approvals 0/1"]);

  const listed = await api(w(), "GET", "/api/v1/held?environment=prod");
  const held = (listed.body as { held: { id: number; requestedBy: string; waiting: string; status: string }[] }).held;
  assert.deepEqual(
    held.map((h) => [h.id, h.requestedBy, h.status, h.waiting]),
    [[body.held.id, "test", "waiting", "approvals 0/1"]],
  );

  const own = await api(w(), "POST", `/api/v1/held/${body.held.id}/approve`, { body: {} });
  assert.equal(own.status, 400);
  assert.deepEqual(
    [errorOf(own).code, errorOf(own).message],
    ["APPROVAL_REFUSED", `test requested held deploy #${body.held.id}: approvals come from other people`],
  );

  const reviewer = (await createApiToken(w().store, "reviewer")).token;
  const approved = await api(w(), "POST", `/api/v1/held/${body.held.id}/approve`, { token: reviewer, body: { reason: "looks right" } });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.deepEqual((approved.body as { approvedBy: string[] }).approvedBy, ["reviewer"]);
  await waitForBody(url, "v1", 30_000);
  for (let i = 0; i < 50 && (await w().store.getHeld(body.held.id))?.status !== "succeeded"; i += 1) await sleep(100);
  assert.equal((await w().store.getHeld(body.held.id))?.status, "succeeded");

  const again = await api(w(), "POST", `/api/v1/held/${body.held.id}/reject`, { token: reviewer, body: {} });
  assert.equal(again.status, 409);
  assert.equal(errorOf(again).code, "HELD_NOT_WAITING");
  const unknown = await api(w(), "POST", "/api/v1/held/424242/approve", { token: reviewer, body: {} });
  assert.deepEqual([unknown.status, errorOf(unknown).code], [404, "HELD_NOT_FOUND"]);
  const badId = await api(w(), "POST", "/api/v1/held/abc/approve", { token: reviewer, body: {} });
  assert.equal(badId.status, 400);
});

test("freezes over the API: a bad time is refused naming what to write; set, listed, lifted; the audit names the token", async () => {
  const bad = await api(w(), "POST", "/api/v1/freezes", { body: { environment: "prod", until: "next week", reason: "sale" } });
  assert.equal(bad.status, 400);
  assert.match(errorOf(bad).message, /"next week" is neither a time nor a duration/);
  const noReason = await api(w(), "POST", "/api/v1/freezes", { body: { environment: "prod", until: "1h" } });
  assert.equal(noReason.status, 400);
  const set = await api(w(), "POST", "/api/v1/freezes", { body: { environment: "prod", until: "2h", reason: "holiday sale" } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const listed = (await api(w(), "GET", "/api/v1/freezes")).body as { freezes: { environment: string; reason: string; by: string }[] };
  assert.deepEqual(
    listed.freezes.map((f) => [f.environment, f.reason, f.by]),
    [["prod", "holiday sale", "test"]],
  );
  const lifted = await api(w(), "DELETE", "/api/v1/freezes/prod");
  assert.deepEqual(lifted.body, { environment: "prod", cleared: true });
  assert.deepEqual(((await api(w(), "GET", "/api/v1/freezes")).body as { freezes: unknown[] }).freezes, []);
  const audit = (await w().store.listAudit({ subject: "prod" })).map((entry) => `${entry.action} ${entry.actor}`);
  assert.deepEqual(audit, ["environment.unfreeze test", "environment.freeze test"]);
});
