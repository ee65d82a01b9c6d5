import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runSlipway } from "../../harness/cli.js";
import { freePort } from "../proxy/helpers.js";
import { startServe, type ServeProcess } from "./serve-process.js";

// `slipway serve` as a process, logging at info (every request's "incoming request" line), and
// an API token made with `slipway token create`. A token sent in the URL is refused, and the
// controller's log never holds it, whichever route the URL names.
let dir = "";
let token = "";
let serve: ServeProcess | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "slipway-token-query-"));
  writeFileSync(join(dir, "slipway.yml"), "services: {}\n");
  const created = await runSlipway(["--state-dir", join(dir, "state"), "token", "create", "ci"], { cwd: dir });
  assert.equal(created.code, 0, created.stderr);
  token = created.stdout.trim();
  assert.match(token, /^slw_/);
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

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${s().url}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

test("an API token in the query is refused (401, saying to send Authorization: Bearer), and the log never holds it", async () => {
  const bearer = { authorization: `Bearer ${token}` };
  assert.equal((await get("/api/v1/status", bearer)).status, 200, "the token works in the header");

  for (const [path, headers] of [
    [`/api/v1/status?token=${token}`, {}],
    [`/api/v1/status?access_token=${encodeURIComponent(token)}`, {}],
    [`/api/v1/pipelines?limit=5&TOKEN=${token}`, {}],
    [`/api/v1/status?t=${token}`, {}],
    [`/api/v1/status?token=${token}`, bearer], // refused even with a good header: the URL already leaked it
  ] as const) {
    const answer = await get(path, headers);
    assert.equal(answer.status, 401, `${path.replace(token, "<token>")}: ${JSON.stringify(answer.body)}`);
    const error = (answer.body as { error: { code: string; message: string; hint: string } }).error;
    assert.equal(error.code, "API_UNAUTHORIZED");
    assert.match(`${error.message} ${error.hint}`, /in the URL[\s\S]*Authorization: Bearer/);
    assert.ok(!JSON.stringify(answer.body).includes(token), "the answer does not repeat the token");
  }

  // Outside the API the token is not refused, but it is not logged either.
  assert.equal((await get(`/healthz?token=${token}`)).status, 200);
  assert.equal((await get(`/nowhere?token=${token}`)).status, 404);
  assert.equal((await get(`/api/v1/status?limit=1`, bearer)).status, 200, "other query parameters still work");

  assert.equal(await s().stop(), 0, s().output());
  const log = s().output();
  assert.match(log, /"msg":"incoming request"/, "requests are logged");
  assert.match(log, /"url":"\/api\/v1\/status"/, "with their path");
  assert.match(log, /"token":"ci"/, "and the token's name");
  assert.ok(!log.includes(token), `the log holds the token:\n${log}`);
  assert.ok(!log.includes(token.slice(4, 20)), "not even part of it");
});
