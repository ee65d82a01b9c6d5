import { test } from "node:test";
import assert from "node:assert/strict";
import { envFileSchema, environmentSchema, labelsSchema } from "../../../src/config/service-maps.js";

type Schema = typeof environmentSchema | typeof labelsSchema | typeof envFileSchema;

function parsed(schema: Schema, value: unknown): unknown {
  const result = schema.safeParse(value);
  assert.ok(result.success, `expected ${JSON.stringify(value)} to parse: ${result.error?.message ?? ""}`);
  return result.data;
}

function problems(schema: Schema, value: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(value);
  assert.ok(!result.success, `expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

test("environment: a mapping, with numbers and booleans as text", () => {
  assert.deepEqual(parsed(environmentSchema, { PORT: 8080, DEBUG: false, NAME: "web", EMPTY: "" }), {
    values: { PORT: "8080", DEBUG: "false", NAME: "web", EMPTY: "" },
    secret: [],
  });
});

test("environment: a list of NAME=value, split at the first =", () => {
  assert.deepEqual(parsed(environmentSchema, ["PORT=8080", "URL=http://x/?a=b", "EMPTY="]), {
    values: { PORT: "8080", URL: "http://x/?a=b", EMPTY: "" },
    secret: [],
  });
});

test("environment: NAME: { value, secret: true } gives the value and marks the name secret; secret: false marks nothing", () => {
  assert.deepEqual(parsed(environmentSchema, { DATABASE_URL: { value: "postgres://u:p@db/x", secret: true }, PORT: { value: 8080 }, MODE: "prod" }), {
    values: { DATABASE_URL: "postgres://u:p@db/x", PORT: "8080", MODE: "prod" },
    secret: ["DATABASE_URL"],
  });
  const [unknown] = problems(environmentSchema, { X: { value: "1", secrte: true } });
  assert.match(unknown?.message ?? "", /secrte|expected/);
});

test("environment: a variable without a value is refused with how to take it from the environment", () => {
  const [fromList] = problems(environmentSchema, ["TOKEN"]);
  assert.equal(fromList?.path, "0");
  assert.match(fromList?.message ?? "", /"TOKEN" has no value.*TOKEN=\$\{TOKEN\}/);
  const [fromMap] = problems(environmentSchema, { TOKEN: null });
  assert.equal(fromMap?.path, "TOKEN");
  assert.match(fromMap?.message ?? "", /TOKEN: \$\{TOKEN\}/);
});

test("environment: names that are not variable names are refused", () => {
  assert.match(problems(environmentSchema, { "1ST": "x" })[0]?.message ?? "", /not a variable name/);
  assert.match(problems(environmentSchema, ["=x"])[0]?.message ?? "", /not a variable name/);
  assert.match(problems(environmentSchema, "PORT=1")[0]?.message ?? "", /a mapping NAME: value, or a list/);
});

test("labels: a mapping or a list; a key without a value is an empty label", () => {
  assert.deepEqual(parsed(labelsSchema, { "com.example.tier": "web", "com.example.n": 2, flag: null }), {
    "com.example.tier": "web",
    "com.example.n": "2",
    flag: "",
  });
  assert.deepEqual(parsed(labelsSchema, ["com.example.tier=web", "a=b=c", "flag"]), { "com.example.tier": "web", a: "b=c", flag: "" });
});

test("labels: Slipway's own prefix is refused", () => {
  const [problem] = problems(labelsSchema, { "slipway.service": "api" });
  assert.equal(problem?.path, "slipway.service");
  assert.match(problem?.message ?? "", /Slipway reserves/);
  assert.match(problems(labelsSchema, ["slipway.revision=1"])[0]?.message ?? "", /reserves/);
});

test("env_file: a path, a list, or {path, required}", () => {
  assert.deepEqual(parsed(envFileSchema, ".env"), [{ path: ".env", required: true }]);
  assert.deepEqual(parsed(envFileSchema, ["a.env", { path: "b.env", required: false }, { path: "c.env" }]), [
    { path: "a.env", required: true },
    { path: "b.env", required: false },
    { path: "c.env", required: true },
  ]);
  assert.match(problems(envFileSchema, [{ path: "a.env", format: "raw" }])[0]?.message ?? "", /Unrecognized key: "format"/);
});
