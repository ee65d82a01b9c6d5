import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runSlipway, type CliRun } from "../../harness/cli.js";

// `slipway token create/list/revoke` on a project's local store, as a user runs them.
let dir = "";

before(() => {
  dir = mkdtempSync(join(tmpdir(), "slipway-token-cli-"));
  writeFileSync(join(dir, "slipway.yml"), "services: {}\n");
});

after(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

function slipway(args: readonly string[]): Promise<CliRun> {
  return runSlipway(["--state-dir", join(dir, "state"), ...args], { cwd: dir, env: { SLIPWAY_URL: undefined, SLIPWAY_TOKEN: undefined } });
}

test("token create --read-only makes a read-only token; token list shows each token's scope in its table and its JSON", async () => {
  const board = await slipway(["token", "create", "wallboard", "--read-only"]);
  assert.equal(board.code, 0, board.stderr);
  assert.match(board.stdout, /^slw_\S+\n$/);
  assert.match(board.stderr, /^read-only token wallboard created; it is shown only now/);

  const ci = await slipway(["token", "create", "ci", "--json"]);
  assert.equal(ci.code, 0, ci.stderr);
  const created = JSON.parse(ci.stdout) as { name: string; scope: string; token: string };
  assert.deepEqual([created.name, created.scope], ["ci", "full"]);
  assert.match(created.token, /^slw_/);
  assert.match(ci.stderr, /^token ci created/);

  const table = await slipway(["token", "list"]);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 2, table.stdout);
  assert.match(lines[0] ?? "", /^ci {9}full {7}created \S+Z {2}last used never$/);
  assert.match(lines[1] ?? "", /^wallboard {2}read-only {2}created \S+Z {2}last used never$/);
  assert.ok(!table.stdout.includes(created.token), "never the tokens");

  const json = await slipway(["token", "list", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(
    (JSON.parse(json.stdout) as { name: string; scope: string; lastUsedAt: unknown }[]).map((t) => [t.name, t.scope, t.lastUsedAt]),
    [
      ["ci", "full", null],
      ["wallboard", "read-only", null],
    ],
  );

  const revoked = await slipway(["token", "revoke", "wallboard"]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.deepEqual(
    (JSON.parse((await slipway(["token", "list", "--json"])).stdout) as { name: string }[]).map((t) => t.name),
    ["ci"],
  );
});
