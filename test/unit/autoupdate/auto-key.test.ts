import assert from "node:assert/strict";
import { test } from "node:test";
import { watchModeOf } from "../../../src/autoupdate/index.js";
import { serviceSchema } from "../../../src/config/service-schema.js";

function update(value: unknown): unknown {
  const result = serviceSchema.safeParse({ image: "myorg/foo:qa", update: { auto: value } });
  return result.success ? result.data.update.auto : `refused: ${result.error.issues[0]?.path.join(".") ?? "?"}`;
}

test("update.auto: false is the default and is not carried; true and monitor are", () => {
  assert.equal(update(undefined), undefined);
  assert.equal(update(false), undefined);
  assert.equal(update(true), true);
  assert.equal(update("monitor"), "monitor");
  assert.equal(update("yes"), "refused: update.auto");
});

test("the container label: true updates, monitor reports, anything else is not watched", () => {
  assert.equal(watchModeOf("true"), "update");
  assert.equal(watchModeOf(" Monitor "), "monitor");
  assert.equal(watchModeOf("false"), undefined);
  assert.equal(watchModeOf(undefined), undefined);
});
