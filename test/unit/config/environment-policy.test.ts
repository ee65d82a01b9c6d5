import { test } from "node:test";
import assert from "node:assert/strict";
import { environmentSchema } from "../../../src/config/environment-schema.js";

test("environments.<env>.approvals: a number or { required, deadline }", () => {
  assert.deepEqual(environmentSchema.parse({ approvals: 2 }).approvals, { required: 2 });
  assert.deepEqual(environmentSchema.parse({ approvals: { required: 1, deadline: "24h" } }).approvals, { required: 1, deadlineMs: 86_400_000 });
  const refused = environmentSchema.safeParse({ approvals: 0 });
  assert.ok(!refused.success);
  assert.match(refused.error.issues[0]?.message ?? "", /at least 1 approval/);
});

test("environments.<env>.windows: allow and deny windows", () => {
  const parsed = environmentSchema.parse({
    windows: [
      { allow: "0 2 * * 1-5", duration: "2h" },
      { deny: "0 0 24 12 *", duration: "72h", timezone: "UTC" },
    ],
  });
  assert.deepEqual(parsed.windows, [
    { kind: "allow", schedule: "0 2 * * 1-5", durationMs: 7_200_000 },
    { kind: "deny", schedule: "0 0 24 12 *", durationMs: 259_200_000, timezone: "UTC" },
  ]);
});
