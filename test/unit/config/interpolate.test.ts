import { test } from "node:test";
import assert from "node:assert/strict";
import { interpolate } from "../../../src/config/interpolate.js";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";

const vars: Record<string, string> = { HOST: "registry.example.com", EMPTY: "" };
const lookup = (name: string): string | undefined => vars[name];

test("${VAR} is replaced by its value, anywhere in the text", () => {
  assert.deepEqual(interpolate("${HOST}:5000/org", lookup), { value: "registry.example.com:5000/org", problems: [] });
});

test(":- covers unset and empty variables, - only unset ones", () => {
  assert.equal(interpolate("${MISSING:-fallback}", lookup).value, "fallback");
  assert.equal(interpolate("${EMPTY:-fallback}", lookup).value, "fallback");
  assert.equal(interpolate("${MISSING-fallback}", lookup).value, "fallback");
  assert.equal(interpolate("${EMPTY-fallback}", lookup).value, "");
  assert.equal(interpolate("${HOST:-fallback}", lookup).value, "registry.example.com");
});

test("a default may hold another variable", () => {
  assert.equal(interpolate("${MISSING:-${HOST}}/x", lookup).value, "registry.example.com/x");
});

test("$${ is a literal ${, and a lone $ stays", () => {
  assert.equal(interpolate("echo $${HOST} costs $5", lookup).value, "echo ${HOST} costs $5");
});

test("an unset variable without default is a problem naming it, at its offset", () => {
  const result = interpolate("a ${NOPE} b", lookup);
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0]?.variable, "NOPE");
  assert.equal(result.problems[0]?.offset, 2);
  assert.match(result.problems[0]?.message ?? "", /variable NOPE is not set and has no default/);
});

test("${VAR:?message} fails with the message when unset; malformed and unterminated expressions are problems", () => {
  assert.match(interpolate("${TOKEN:?give the deploy token}", lookup).problems[0]?.message ?? "", /TOKEN: give the deploy token/);
  assert.match(interpolate("${1BAD}", lookup).problems[0]?.message ?? "", /is not a variable/);
  assert.match(interpolate("x ${HOST", lookup).problems[0]?.message ?? "", /unterminated/);
});

function variableError(text: string, env: Record<string, string> = {}): SlipwayError {
  try {
    parseConfigText(text, { path: "slipway.yml", env });
  } catch (error) {
    if (isSlipwayError(error)) return error;
    throw error;
  }
  assert.fail("expected an error");
}

test("an unset variable in the file is CONFIG_VARIABLE at its own line and column", () => {
  const error = variableError("sources:\n  app: { repo: ./x }\nregistry: ${REGISTRY_HOST}/org\n");
  assert.equal(error.code, "CONFIG_VARIABLE");
  assert.equal(error.message, "slipway.yml:3:11: variable REGISTRY_HOST is not set and has no default");
  assert.match(error.hint ?? "", /\$\{REGISTRY_HOST:-value\}/);
});

test("the column counts the quote of a quoted value, and every unset variable is listed", () => {
  const error = variableError('registry: "${A}/org"\nstate_dir: x/${B}\n');
  assert.deepEqual(error.details, ["slipway.yml:1:12: variable A is not set and has no default", "slipway.yml:2:14: variable B is not set and has no default"]);
});

test("variables come from the environment first, then from .env, and plain numbers keep their type", () => {
  const text =
    "version: ${V}\nregistry: ${HOST}/org\nsources:\n  app: { repo: ./x, branch: '${BRANCH}' }\nimages:\n  app:\n    context: 'app:'\n    args:\n      N: ${N}\n";
  const { config } = parseConfigText(text, { env: { HOST: "env.example.com" }, dotenv: { HOST: "dotenv.example.com", BRANCH: "release", N: "3", V: "1" } });
  assert.equal(config.version, 1);
  assert.equal(config.registry?.address, "env.example.com/org");
  assert.equal(config.sources["app"]?.branch, "release");
  assert.equal(config.images["app"]?.args?.["N"], "3");
});

test("keys are not interpolated, and values that are not strings are left alone", () => {
  const { config } = parseConfigText("images:\n  app: { context: './x', labels: { '${K}': '$${literal}' } }\nregistry: r.example.com\n", {});
  assert.deepEqual(config.images["app"]?.labels, { "${K}": "${literal}" });
});
