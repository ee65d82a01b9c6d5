import assert from "node:assert/strict";
import { test } from "node:test";
import { SCOPE_LABEL, inScope, isImageId } from "../../../src/autoupdate/index.js";
import { controllerSchema } from "../../../src/config/controller-schema.js";

test("a scoped controller watches only its scope's containers; an unscoped one only unscoped containers", () => {
  const scoped = { [SCOPE_LABEL]: "shop" };
  assert.equal(inScope(scoped, "shop"), true);
  assert.equal(inScope(scoped, "blog"), false);
  assert.equal(inScope(scoped, undefined), false, "an unscoped controller leaves a scoped container to its own controller");
  assert.equal(inScope({}, "shop"), false, "a scoped controller leaves unscoped containers alone");
  assert.equal(inScope({}, undefined), true);
  assert.equal(inScope({ [SCOPE_LABEL]: "" }, undefined), true, "an empty scope label is no scope");
  assert.equal(inScope({ [SCOPE_LABEL]: " shop " }, "shop"), true);
  assert.equal(inScope({ [SCOPE_LABEL]: "Shop" }, "shop"), false, "scopes are compared exactly, as labels are");
});

test("controller.scope: a short name, or absent", () => {
  const scope = (value: unknown): unknown => {
    const parsed = controllerSchema.safeParse(value === undefined ? {} : { scope: value });
    return parsed.success ? parsed.data.scope : `refused: ${parsed.error.issues[0]?.message ?? "?"}`;
  };
  assert.equal(scope(undefined), undefined);
  assert.equal(scope("shop"), "shop");
  assert.equal(scope("team.shop_2-prod"), "team.shop_2-prod");
  assert.match(String(scope("two words")), /^refused: expected a name of 1 to 63 letters/);
  assert.match(String(scope("")), /^refused/);
  assert.match(String(scope("-shop")), /^refused/);
  assert.match(String(scope("x".repeat(64))), /^refused/);
});

test("a container created from its image ID follows no tag; one created from a name does", () => {
  const id = `sha256:${"ab12".repeat(16)}`;
  assert.equal(isImageId(id, id), true);
  assert.equal(isImageId("ab12ab12ab12", id), true, "docker run <short ID>");
  assert.equal(isImageId(`sha256:${"cd".repeat(32)}`, id), true);
  assert.equal(isImageId("127.0.0.1:5000/foo:qa", id), false);
  assert.equal(isImageId("busybox", id), false);
  assert.equal(isImageId("cafe", id), false, "a hex-looking name that is not this image's ID is a name");
});
