import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SECRET_KEY_FILE } from "../../../src/store/index.js";
import { runSlipway } from "../../harness/cli.js";
import { serviceContainers, webServiceYaml } from "../../harness/deploy.js";
import { testName } from "../../harness/labels.js";
import { freePort, waitForBody } from "../proxy/helpers.js";
import { useDeployFixture } from "./fixture.js";

/**
 * Secrets at rest, end to end on the real engine: a service's DB_PASSWORD reaches its container,
 * is never in the SQLite files, the CLI's outputs or the progress it prints, and a rollback
 * deploys the earlier revision with its exact value (read back from the sealed spec).
 */
const fixture = useDeployFixture();
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const PASSWORD = "pw-7c1e9d42-rollback";

function databaseBytes(stateDir: string): string {
  return ["", "-wal", "-shm", "-journal"]
    .map((suffix) => join(stateDir, `slipway.db${suffix}`))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString("latin1"))
    .join("");
}

test("a secret variable reaches the container, stays out of the store and every output, and a rollback deploys its exact earlier value", async () => {
  const f = fixture();
  const dir = mkdtempSync(join(tmpdir(), "slipway-secret-"));
  dirs.push(dir);
  const service = testName("secret");
  const port = await freePort();
  const write = (password: string): void =>
    writeFileSync(
      join(dir, "slipway.yml"),
      [
        "services:",
        ...webServiceYaml({
          name: service,
          image: f.images.v1 ?? "",
          port,
          drain: "200ms",
          extra: [`    environment: { DB_PASSWORD: "${password}", MODE: prod }`],
        }),
        "",
      ].join("\n"),
    );
  const env = { SLIPWAY_STATE_DIR: f.world.stateDir, SLIPWAY_PROXY_ADMIN: f.world.handle.adminUrl };
  const outputs: string[] = [];
  const slipway = async (args: string[]): Promise<string> => {
    const run = await runSlipway(args, { cwd: dir, env });
    outputs.push(run.stdout, run.stderr);
    assert.equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
    return run.stdout;
  };
  const containerEnv = async (): Promise<string[]> => {
    const [container] = (await serviceContainers(f.engine, { service, environment: "default" })).filter((c) => c.state === "running");
    assert.ok(container, "no running container");
    return (await f.engine.inspectContainer(container.id))?.raw.Config.Env ?? [];
  };

  write(PASSWORD);
  await slipway(["deploy", service]);
  await waitForBody(`http://127.0.0.1:${port}/`, "v1", 5_000);
  assert.ok((await containerEnv()).includes(`DB_PASSWORD=${PASSWORD}`));

  write(`${PASSWORD}-2`);
  await slipway(["deploy", service, "--image", f.images.v2 ?? ""]);
  await waitForBody(`http://127.0.0.1:${port}/`, "v2", 5_000);
  assert.ok((await containerEnv()).includes(`DB_PASSWORD=${PASSWORD}-2`));

  await slipway(["rollback", service]);
  await waitForBody(`http://127.0.0.1:${port}/`, "v1", 5_000);
  const rolledBack = await containerEnv();
  assert.ok(rolledBack.includes(`DB_PASSWORD=${PASSWORD}`), rolledBack.join("\n"));
  assert.ok(rolledBack.includes("MODE=prod"));

  await slipway(["status", "--json"]);
  await slipway(["history", service, "--json"]);
  for (const output of outputs) assert.ok(!output.includes(PASSWORD), `a secret value was printed:\n${output}`);
  assert.ok(!databaseBytes(f.world.stateDir).includes(PASSWORD), "the secret is in the store in clear");
  assert.equal(statSync(join(f.world.stateDir, SECRET_KEY_FILE)).mode & 0o777, 0o600);
});
