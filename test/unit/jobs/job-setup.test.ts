import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { jobEnv, jobHome } from "../../../src/jobs/index.js";
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

test("a job's variables are secret by name, when marked secret: true, or when read from an env file", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-job-secret-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "prod.env"), "DATABASE_URL=postgres://u:pw@db/app\n");
  const { config } = parseConfigText(
    [
      "registry: localhost:5000/org",
      "images: { app: { context: ./app } }",
      "environments:",
      "  prod:",
      "    env_file: [prod.env]",
      "    variables: { SENTRY_DSN: { value: 'https://k@sentry/1', secret: true }, REGION: eu }",
      "jobs:",
      "  nightly:",
      "    image: app",
      "    environment: prod",
      "    schedule: '@daily'",
      "    command: [run]",
      "    env: { SMTP_URL: { value: 'smtp://u:p@mail', secret: true }, DB_PASSWORD: pw, MODE: { value: batch } }",
      "",
    ].join("\n"),
    { path: join(dir, "slipway.yml"), env: {} },
  );
  const job = config.jobs.nightly;
  assert.ok(job !== undefined);
  const env = jobEnv(config, dir, job);
  const secret = Object.entries(env)
    .filter(([, value]) => value instanceof Secret)
    .map(([key]) => key)
    .sort();
  assert.deepEqual(secret, ["DATABASE_URL", "DB_PASSWORD", "SENTRY_DSN", "SMTP_URL"]);
  assert.equal(env.MODE, "batch");
  assert.equal(env.REGION, "eu");
});

test("a job's home is its image's, as `slipway run` has it: launch.home relative to slipway.yml, else <run base>/<image>", () => {
  const { config } = parseConfigText(
    [
      "registry: localhost:5000/org",
      "images:",
      "  app: { context: ./app }",
      "  homed: { context: ./homed, launch: { home: ./run/homed } }",
      "jobs:",
      "  a: { image: app, schedule: '@daily', command: [run] }",
      "  b: { image: homed, schedule: '@daily', command: [run] }",
      "",
    ].join("\n"),
    { path: "/project/slipway.yml", env: {} },
  );
  const [a, b] = [config.jobs.a, config.jobs.b];
  assert.ok(a !== undefined && b !== undefined);
  assert.equal(jobHome(config, "/project", a, "/base"), "/base/app");
  assert.equal(jobHome(config, "/project", b, "/base"), "/project/run/homed");
});
