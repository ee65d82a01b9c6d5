import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Browser } from "playwright-core";
import { serviceSelector } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { createApiToken } from "../../../src/server/tokens.js";
import { buildWebImages, webCommand } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName } from "../../harness/labels.js";
import { freePort, waitForBody } from "../proxy/helpers.js";
import { api, startApiWorld, type ApiWorld } from "../server/helpers.js";
import { launchBrowser } from "./browser.js";

// Approvals on the dashboard: a deploy to an environment that needs one waits on the
// auto-updates page; the requester's own approval is refused there, another person's runs it.
let engine: Engine | undefined;
let world: ApiWorld | undefined;
let browser: Browser | undefined;
let service = "";
let url = "";

before(async () => {
  engine = await ensureEngine();
  const images = await buildWebImages(engine, ["v1"]);
  const published = await freePort();
  service = testName("dash-held");
  url = `http://127.0.0.1:${published}/`;
  world = await startApiWorld(
    engine,
    {
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
    },
    { dashboard: true },
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.stop();
  if (engine !== undefined) {
    for (const c of await engine.listContainers({ labels: serviceSelector(service, "prod"), all: true })) await engine.removeContainer(c.id, { force: true });
    await cleanupTestRun(engine);
  }
});

async function signedIn(token: string) {
  assert.ok(browser && world?.controller.dashboardUrl, "the dashboard runs");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${world.controller.dashboardUrl}/sign-in?next=%2Fupdates`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/updates$/);
  return { context, page };
}

test("a held deploy waits on the page with what it waits for; its requester cannot approve it, another person can, and it runs", async () => {
  assert.ok(world);
  const asked = await api(world, "POST", "/api/v1/deployments", { body: { service, environment: "prod" } });
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const id = (asked.body as { held: { id: number } }).held.id;

  const requester = await signedIn(world.token);
  const row = requester.page.locator("tr", { hasText: `#${id}` });
  assert.match((await row.textContent()) ?? "", /approvals 0\/1/);
  await requester.page.getByRole("button", { name: `Approve #${id}` }).click();
  await requester.page.getByRole("alert").waitFor();
  assert.match((await requester.page.getByRole("alert").textContent()) ?? "", /approvals come from other people/);
  assert.equal((await world.store.getHeld(id))?.status, "waiting");
  await requester.context.close();

  const reviewer = await signedIn((await createApiToken(world.store, "reviewer")).token);
  await reviewer.page.getByRole("button", { name: `Approve #${id}` }).click();
  await reviewer.page.getByRole("status").waitFor();
  assert.match((await reviewer.page.getByRole("status").textContent()) ?? "", new RegExp(`Held deploy #${id} of ${service} \\(prod\\)`));
  await waitForBody(url, "v1", 30_000);
  for (let i = 0; i < 50 && (await world.store.getHeld(id))?.status !== "succeeded"; i += 1) await sleep(100);
  assert.equal((await world.store.getHeld(id))?.status, "succeeded");
  assert.deepEqual(
    (await world.store.getHeld(id))?.verdicts.map((v) => [v.actor, v.verdict]),
    [["reviewer", "approve"]],
  );
  const audit = await world.store.listAudit({ subject: `held:${id}` });
  assert.deepEqual(audit.map((a) => [a.actor, a.action]).sort(), [
    ["reviewer", "dashboard.approve"],
    ["test", "dashboard.approve"],
  ]);
  // The waiting list empties by itself once it ran.
  await reviewer.page.locator("#live", { hasText: "No deploy waits" }).waitFor({ timeout: 10_000 });
  await reviewer.context.close();
});
