import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { jobEnv } from "../../../src/jobs/index.js";
import { Secret } from "../../../src/util/secret.js";

test("a job's variables stack like a service's: its own env, then its environment's env_file, then its environment's variables", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-job-env-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "prod.env"), "FROM_FILE=file\nSHARED=file\nBOTH=file\n");
  const { config } = parseConfigText(
    [
      "registry: localhost:5000/org",
      "images: { app: { context: ./app } }",
      "environments:",
      "  prod:",
      "    env_file: [prod.env]",
      "    variables: { BOTH: variables, API_TOKEN: t0ken }",
      "jobs:",
      "  nightly:",
      "    image: app",
      "    environment: prod",
      "    schedule: '@daily'",
      "    command: [run]",
      "    env: { OWN: own, SHARED: own, BOTH: own }",
      "",
    ].join("\n"),
    { path: join(dir, "slipway.yml"), env: {} },
  );
  const job = config.jobs.nightly;
  assert.ok(job !== undefined);
  const env = jobEnv(config, dir, job);
  const plain = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value instanceof Secret ? value.reveal() : value]));
  assert.deepEqual(plain, { OWN: "own", SHARED: "file", BOTH: "variables", FROM_FILE: "file", API_TOKEN: "t0ken" });
  assert.ok(env.API_TOKEN instanceof Secret, "a secret-looking name is kept out of logs");
});
