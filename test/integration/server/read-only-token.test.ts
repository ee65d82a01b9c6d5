import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runSlipway } from "../../harness/cli.js";
import { freePort } from "../proxy/helpers.js";
import { startServe, type ServeProcess } from "./serve-process.js";

// `slipway serve` on a project with no services (nothing a request could do does harm), a
// read-only token and a full one made with `slipway token create`: the read-only one sees and
// cannot act, whichever way it asks.
let dir = "";
let readOnly = "";
let full = "";
let serve: ServeProcess | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "slipway-read-only-"));
  writeFileSync(join(dir, "slipway.yml"), "services: {}\n");
  const create = async (args: readonly string[]): Promise<string> => {
    const created = await runSlipway(["--state-dir", join(dir, "state"), "token", "create", ...args], { cwd: dir });
    assert.equal(created.code, 0, created.stderr);
    return created.stdout.trim();
  };
  readOnly = await create(["board", "--read-only"]);
  full = await create(["ci"]);
  serve = await startServe(dir, ["--state-dir", join(dir, "state")], await freePort());
});

after(async () => {
  await serve?.stop();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

function s(): ServeProcess {
  assert.ok(serve, "slipway serve did not start");
  return serve;
}

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(`${s().url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

test("a read-only token can GET and HEAD the API; anything else answers 403 API_FORBIDDEN before the route runs", async () => {
  const status = await call("GET", "/api/v1/status", readOnly);
  assert.equal(status.status, 200, JSON.stringify(status.body));
  assert.deepEqual(status.body, []);
  assert.equal((await call("HEAD", "/api/v1/status", readOnly)).status, 200);
  const tokens = await call("GET", "/api/v1/tokens", readOnly);
  assert.deepEqual(
    (tokens.body as { name: string; scope: string }[]).map((t) => [t.name, t.scope]),
    [
      ["board", "read-only"],
      ["ci", "full"],
    ],
  );

  for (const [method, path, body] of [
    ["POST", "/api/v1/reconcile", {}],
    ["POST", "/api/v1/deployments", { service: "web" }],
    ["POST", "/api/v1/freezes", { environment: "default", until: "1h", reason: "no" }],
    ["DELETE", "/api/v1/freezes/default", undefined],
    ["PUT", "/api/v1/status", undefined],
  ] as const) {
    const answer = await call(method, path, readOnly, body);
    assert.equal(answer.status, 403, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    assert.deepEqual(answer.body, {
      error: { code: "API_FORBIDDEN", message: "the token board is read-only: it can see and cannot act", hint: "use a token created without --read-only" },
    });
    assert.equal(answer.headers.get("www-authenticate"), null, "not a challenge: the token is good");
  }
  assert.deepEqual((await call("GET", "/api/v1/freezes", readOnly)).body, { freezes: [] }, "the freeze was not set");

  // The same requests with a full token reach their routes.
  assert.equal((await call("POST", "/api/v1/reconcile", full, {})).status, 200);
  const deploy = await call("POST", "/api/v1/deployments", full, { service: "web" });
  assert.deepEqual([deploy.status, (deploy.body as { error: { code: string } }).error.code], [404, "SERVICE_NOT_FOUND"]);
});

test("the CLI with a read-only SLIPWAY_TOKEN shows status, and a deploy fails with API_FORBIDDEN (exit 2)", async () => {
  const elsewhere = mkdtempSync(join(tmpdir(), "slipway-read-only-cli-"));
  try {
    const remote = (args: readonly string[]) =>
      runSlipway(args, { cwd: elsewhere, env: { SLIPWAY_URL: s().url, SLIPWAY_TOKEN: readOnly, SLIPWAY_STATE_DIR: join(elsewhere, "state") } });
    const status = await remote(["status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(JSON.parse(status.stdout), []);
    const deploy = await remote(["deploy", "web"]);
    assert.equal(deploy.code, 2, deploy.stderr);
    assert.match(deploy.stderr, /^error\[API_FORBIDDEN\]: the token board is read-only: it can see and cannot act$/m);
    assert.match(deploy.stderr, /^hint: use a token created without --read-only$/m);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
