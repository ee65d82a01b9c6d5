import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runSlipway } from "../../harness/cli.js";
import { webCommand } from "../../harness/deploy.js";
import { testName, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { useDeployFixture } from "../deploy/fixture.js";

/**
 * slipway promote, as a web team with a branch per environment uses it: test1 runs a release
 * pulled by its tag; the tag moves on; promote puts exactly test1's image on prod, by digest.
 */
describe("slipway promote", () => {
  const fixture = useDeployFixture();
  let registry: TestRegistry;
  let dir = "";
  let env: Record<string, string> = {};
  let release = "";
  const service = testName("promo");

  before(async () => {
    const f = fixture();
    registry = await startRegistry();
    release = `${registry.host}/promote${testRunId}/web:release`;
    dir = mkdtempSync(join(tmpdir(), "slipway-promote-"));
    writeFileSync(
      join(dir, "slipway.yml"),
      [
        "environments: { test1: {}, prod: {}, staging: {} }",
        "services:",
        `  ${service}:`,
        `    image: ${release}`,
        `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
        "    environments: [test1, prod, staging]",
        "    stop_grace_period: 1s",
        "    health: { running: true, settle: 0s }",
        "",
      ].join("\n"),
    );
    env = { SLIPWAY_STATE_DIR: f.world.stateDir };
  });

  after(async () => {
    for (const environment of ["test1", "prod", "staging"]) await runSlipway(["down", service, "--env", environment], { cwd: dir, env });
    await registry?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  /** The image id the service's container runs in an environment. */
  async function runningImage(environment: string): Promise<string | undefined> {
    const [container] = await fixture().engine.listContainers({ labels: { "dev.slipway.service": service, "dev.slipway.environment": environment } });
    return container?.imageId;
  }

  test("promote deploys to prod exactly the image test1 runs, by digest, though the tag has moved on", async () => {
    const f = fixture();
    const [v1, v2] = [f.images.v1 ?? "", f.images.v2 ?? ""];
    const v2Id = (await f.engine.inspectImage(v2))?.id;
    await f.engine.tagImage(v2, release);
    const pushed = await f.engine.push(release);

    const test1 = await runSlipway(["deploy", service, "--env", "test1"], { cwd: dir, env });
    assert.equal(test1.code, 0, test1.stderr);
    assert.equal(await runningImage("test1"), v2Id);
    const prod = await runSlipway(["deploy", service, "--env", "prod", "--image", v1], { cwd: dir, env });
    assert.equal(prod.code, 0, prod.stderr);

    // the release tag moves on to v1: promoting by tag would deploy v1
    await f.engine.tagImage(v1, release);
    await f.engine.push(release);

    const promote = await runSlipway(["promote", service, "--from", "test1", "--to", "prod"], { cwd: dir, env });
    assert.equal(promote.code, 0, promote.stderr);
    const pinned = `${registry.host}/promote${testRunId}/web@${pushed.digest}`;
    assert.equal(
      promote.stdout,
      `promoted from test1 (revision 1): ${service} (prod) now runs revision 2 (${pinned}), deployment ${/deployment (\d+)/.exec(promote.stdout)?.[1] ?? "?"}\n`,
    );
    assert.equal(await runningImage("prod"), v2Id, "prod runs test1's image");

    const status = await runSlipway(["status", "--json"], { cwd: dir, env });
    const rows = JSON.parse(status.stdout) as { service: string; environment: string; image?: string; digest?: string }[];
    const row = rows.find((r) => r.service === service && r.environment === "prod");
    assert.deepEqual([row?.image, row?.digest], [pinned, pushed.digest]);

    // the same again: prod already runs it
    const again = await runSlipway(["promote", service, "--from", "test1", "--to", "prod", "--json"], { cwd: dir, env });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { status: "unchanged", revision: 2, image: pinned, from: { environment: "test1", revision: 1, image: pinned } });
  });

  test("promote refuses, with one clear message and exit 2: the same environment twice, nothing deployed there, an image never pushed", async () => {
    const same = await runSlipway(["promote", service, "--from", "prod", "--to", "prod"], { cwd: dir, env });
    assert.equal(same.code, 2);
    assert.match(same.stderr, /promote takes two different environments: --from and --to are both prod/);

    const before = await runningImage("prod");
    const never = await runSlipway(["promote", service, "--from", "staging", "--to", "prod"], { cwd: dir, env });
    assert.equal(never.code, 2);
    assert.match(never.stderr, new RegExp(`${service} was never deployed to staging: there is nothing to promote`));

    const local = await runSlipway(["deploy", service, "--env", "staging", "--image", fixture().images.v1 ?? ""], { cwd: dir, env });
    assert.equal(local.code, 0, local.stderr);
    const unpushed = await runSlipway(["promote", service, "--from", "staging", "--to", "prod"], { cwd: dir, env });
    assert.equal(unpushed.code, 2);
    assert.match(unpushed.stderr, /the image \S+:v1 that runs in staging has no registry digest: it was never pushed to or pulled from \S+/);
    assert.equal(await runningImage("prod"), before, "prod was not touched");
  });
});
