import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runSlipway, type CliRun } from "../../harness/cli.js";
import { webCommand } from "../../harness/deploy.js";
import { testName } from "../../harness/labels.js";
import { rowsOf, startPostgres, type TestPostgres } from "../../harness/postgres.js";
import { useDeployFixture } from "../deploy/fixture.js";

/**
 * An ops team moves its state to PostgreSQL: `store: { url: ... }` in slipway.yml, the password
 * from the environment. Deploys, history and rollback work as on SQLite, the records are in the
 * database, and no output ever shows the password.
 */
describe("the CLI on a PostgreSQL store", () => {
  const fixture = useDeployFixture();
  let server: TestPostgres;
  let url = "";
  let dir = "";
  let env: Record<string, string | undefined> = {};
  const service = testName("pgweb");
  const outputs: CliRun[] = [];

  async function slipway(args: readonly string[], extra: Record<string, string | undefined> = {}): Promise<CliRun> {
    const result = await runSlipway(args, { cwd: dir, env: { ...env, ...extra } });
    outputs.push(result);
    return result;
  }

  before(async () => {
    const f = fixture();
    server = await startPostgres();
    url = await server.createDatabase();
    dir = mkdtempSync(join(tmpdir(), "slipway-pg-cli-"));
    writeFileSync(
      join(dir, "slipway.yml"),
      [
        "store: { url: '${SLIPWAY_TEST_DATABASE_URL}' }",
        "environments: { prod: {} }",
        "services:",
        `  ${service}:`,
        `    image: ${f.images.v1}`,
        `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
        "    environments: [prod]",
        "    stop_grace_period: 1s",
        "    health: { running: true, settle: 0s }",
        "",
      ].join("\n"),
    );
    env = { SLIPWAY_STATE_DIR: f.world.stateDir, SLIPWAY_TEST_DATABASE_URL: url, SLIPWAY_STORE: undefined };
  });

  after(async () => {
    if (dir !== "") await runSlipway(["down", service, "--env", "prod"], { cwd: dir, env });
    await server?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  test("deploy, history and rollback record into the database named by store.url", async () => {
    const f = fixture();
    const first = await slipway(["deploy", service, "--env", "prod"]);
    assert.equal(first.code, 0, first.stderr);
    const second = await slipway(["deploy", service, "--env", "prod", "--image", f.images.v2 ?? ""]);
    assert.equal(second.code, 0, second.stderr);
    const back = await slipway(["rollback", service, "--env", "prod"]);
    assert.equal(back.code, 0, back.stderr);
    const [container] = await f.engine.listContainers({ labels: { "dev.slipway.service": service, "dev.slipway.environment": "prod" } });
    assert.equal(container?.imageId, (await f.engine.inspectImage(f.images.v1 ?? ""))?.id, "the rollback brought back v1");

    const rows = await rowsOf(url, "SELECT to_revision, trigger, status FROM deployments ORDER BY id");
    assert.deepEqual(
      rows.map((row) => [row["to_revision"], row["status"]]),
      [
        [1, "succeeded"],
        [2, "succeeded"],
        [1, "succeeded"],
      ],
    );
    const history = await slipway(["history", service, "--env", "prod", "--json"]);
    assert.equal(history.code, 0, history.stderr);
    assert.equal((JSON.parse(history.stdout) as unknown[]).length, 3);
  });

  test("doctor names the store without its password; an unreachable one fails the command with STORE_UNREACHABLE, exit 3", async () => {
    const doctor = await slipway(["doctor"]);
    assert.match(doctor.stdout + doctor.stderr, /postgres:\/\/slipway:\*\*\*@127\.0\.0\.1:\d+\/t\S+, schema version \d+/);
    const status = await slipway(["status"], { SLIPWAY_STORE: "postgres://slipway:s3cr3t-4711@127.0.0.1:1/slipway" });
    assert.equal(status.code, 3, status.stderr);
    assert.match(status.stderr, /cannot use the PostgreSQL store postgres:\/\/slipway:\*\*\*@127\.0\.0\.1:1\/slipway: connect ECONNREFUSED/);
    assert.ok(!status.stderr.includes("s3cr3t-4711"));
  });

  test("no output of any command shows the database password", () => {
    assert.ok(outputs.length >= 5);
    for (const output of outputs) assert.ok(!(output.stdout + output.stderr).includes(server.password), `the password is in: ${output.stdout}${output.stderr}`);
  });
});
