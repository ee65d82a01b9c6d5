import assert from "node:assert/strict";
import { test } from "node:test";
import { extraSecretNames, isSecretName, redactEnv, secretNames, withSecrets } from "../../../src/util/secret-rule.js";
import { Secret, redactText } from "../../../src/util/secret.js";

test("names that look secret are secret, in any case, as a word of the name; others are not", () => {
  for (const name of [
    "DB_PASSWORD",
    "API_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "github_token",
    "KEY",
    "SMTP_PASS",
    "BASIC_AUTH",
    "GCP_CREDENTIALS",
    "PRIVATE_PEM",
  ]) {
    assert.ok(isSecretName(name), name);
  }
  for (const name of ["PORT", "MODE", "DATABASE_URL", "MONKEY", "PASSAGE", "AUTHOR", "TOKENIZER_MODEL"]) assert.ok(!isSecretName(name), name);
});

test("a variable is secret by its name or because it is marked; marked names the name rule covers need not be carried", () => {
  const env = { DB_PASSWORD: "a", DATABASE_URL: "postgres://u:p@db/x", MODE: "prod" };
  assert.deepEqual(secretNames(env), ["DB_PASSWORD"]);
  assert.deepEqual(secretNames(env, ["DATABASE_URL"]), ["DB_PASSWORD", "DATABASE_URL"]);
  assert.deepEqual(extraSecretNames(env, ["DATABASE_URL", "DB_PASSWORD", "ABSENT"]), ["DATABASE_URL"]);
});

test("redactEnv shows secret values as [redacted] and keeps the others", () => {
  assert.deepEqual(redactEnv({ DB_PASSWORD: "hunter22", URL: "x://u:p@h", MODE: "prod" }, ["URL"]), {
    DB_PASSWORD: "[redacted]",
    URL: "[redacted]",
    MODE: "prod",
  });
});

test("withSecrets wraps secret values as Secrets, which redactText then scrubs from any text", () => {
  const env = withSecrets({ SESSION_SECRET: "s3cr3t-value-1", LOG_LEVEL: "debug" });
  assert.ok(env.SESSION_SECRET instanceof Secret);
  assert.equal(env.LOG_LEVEL, "debug");
  assert.equal(redactText("boot with s3cr3t-value-1 at debug"), "boot with [redacted] at debug");
});
